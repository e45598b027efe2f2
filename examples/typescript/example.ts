// Example client of the mobility API, entirely through the generated types (api.d.ts, from
// openapi-typescript) and openapi-fetch: a coordinator opens a call, a member library drafts an
// application and uploads its PDF, the coordinator downloads the call's CSV export.
//
// Environment: BASE_URL (the server root, e.g. http://127.0.0.1:8080), COORDINATOR_EMAIL,
// COORDINATOR_PASSWORD, LIBRARY_EMAIL, LIBRARY_PASSWORD. Exits non-zero on any failure.
// Run with ../../.ci/examples, or: tsx generate.ts && tsc -p . && tsx example.ts
import createClient from "openapi-fetch";
import type { components, paths } from "./api.js";

type Schemas = components["schemas"];

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

function step(message: string): void {
  console.log(`[ts] ${message}`);
}

/** The parsed body of a successful answer; otherwise throws with the status and the problem. */
function ok<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok || result.data === undefined) {
    const problem = result.error === undefined ? "" : ` ${JSON.stringify(result.error)}`;
    throw new Error(`${what}: HTTP ${result.response.status}${problem}`);
  }
  return result.data;
}

/** YYYY-MM-DD, `days` from today (UTC). */
function isoDate(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A one-page, empty but well-formed PDF (correct cross-reference table). */
function tinyPdf(): Uint8Array<ArrayBuffer> {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf); // ASCII only: one byte per character
}

async function login(baseUrl: string, email: string, password: string) {
  const anonymous = createClient<paths>({ baseUrl });
  const body: Schemas["LoginRequest"] = { email, password };
  const tokens = ok(`log in as ${email}`, await anonymous.POST("/api/v1/auth/login", { body }));
  return createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${tokens.access_token}` },
  });
}

async function main(): Promise<void> {
  const baseUrl = env("BASE_URL").replace(/\/+$/, "");
  const coordinator = await login(baseUrl, env("COORDINATOR_EMAIL"), env("COORDINATOR_PASSWORD"));
  step(`logged in as coordinator ${env("COORDINATOR_EMAIL")}`);

  const projects = ok("list projects", await coordinator.GET("/api/v1/projects"));
  const project = projects.items[0];
  if (!project) {
    throw new Error("no projects on the server");
  }
  step(`${projects.items.length} project(s); using ${project.code} "${project.title}"`);

  const mobilities = ok(
    "list mobilities",
    await coordinator.GET("/api/v1/projects/{id}/mobilities", {
      params: { path: { id: project.id } },
    }),
  );
  step(`${mobilities.items.length} mobilities: ${mobilities.items.map((m) => m.code).join(", ")}`);

  const library = await login(baseUrl, env("LIBRARY_EMAIL"), env("LIBRARY_PASSWORD"));
  step(`logged in as library user ${env("LIBRARY_EMAIL")}`);

  // One active application per library and mobility: take a mobility this library has none for
  // (this script withdraws its own application at the end, so it can run again).
  let mobility: Schemas["MobilityDto"] | undefined;
  for (const m of mobilities.items) {
    const apps = ok(
      `list the library's applications for ${m.code}`,
      await library.GET("/api/v1/applications", { params: { query: { mobility_id: m.id } } }),
    );
    if (apps.items.every((a) => a.status === "withdrawn")) {
      mobility = m;
      break;
    }
  }
  if (!mobility) {
    throw new Error("the library already has an active application for every mobility");
  }

  const suffix = new Date().toISOString().replace(/[-:.]/g, "");
  const callRequest: Schemas["CreateCallRequest"] = {
    title: `Example call ${suffix}`,
    published_from: isoDate(0),
    deadline: isoDate(30),
    mobility_ids: [mobility.id],
  };
  const draft = ok(
    "create call",
    await coordinator.POST("/api/v1/projects/{id}/calls", {
      params: { path: { id: project.id } },
      body: callRequest,
    }),
  );
  step(`created call "${draft.title}" (${draft.id}) for ${mobility.code}, deadline ${draft.deadline}`);

  const call = ok(
    "publish call",
    await coordinator.POST("/api/v1/calls/{id}/publish", { params: { path: { id: draft.id } } }),
  );
  step(`published call: status ${call.status}`);

  const applicationRequest: Schemas["CreateApplicationRequest"] = {
    mobility_id: mobility.id,
    applicant: {
      full_name: "Maja Kovač",
      email: "maja.kovac@knjiznica.example",
      job_title: "bibliotekarka",
      adult_education_role: "izobraževanje starejših",
      years_in_adult_education: 7,
    },
    motivation: "Želim spoznati metode dela z odraslimi v tuji knjižnici.",
    expected_use: "Delavnice za starejše v naši knjižnici.",
    language_skills: "angleščina B2",
    fewer_opportunities: false,
  };
  const application = ok(
    "create application",
    await library.POST("/api/v1/calls/{id}/applications", {
      params: { path: { id: call.id } },
      body: applicationRequest,
    }),
  );
  step(`created application ${application.id}: status ${application.status}`);

  const upload: Schemas["FileUpload"] = {
    file: new Blob([tinyPdf()], { type: "application/pdf" }),
  };
  const document = ok(
    "upload PDF",
    await library.POST("/api/v1/applications/{id}/documents", {
      params: { path: { id: application.id } },
      body: upload,
      bodySerializer(body) {
        const form = new FormData();
        form.append("file", body.file, "prijava.pdf");
        return form;
      },
    }),
  );
  step(`uploaded ${document.filename} (${document.size} bytes, sha256 ${document.sha256.slice(0, 12)}…)`);

  const csv = ok(
    "export applications CSV",
    await coordinator.GET("/api/v1/calls/{id}/applications.csv", {
      params: { path: { id: call.id } },
      parseAs: "text",
    }),
  );
  const rows = csv.trim().split(/\r?\n/).length - 1;
  if (!csv.includes(application.id)) {
    throw new Error(`the CSV export does not contain application ${application.id}:\n${csv}`);
  }
  step(`CSV export: ${rows} row(s), contains application ${application.id}`);

  const withdrawn = ok(
    "withdraw application",
    await library.POST("/api/v1/applications/{id}/withdraw", {
      params: { path: { id: application.id } },
      body: { reason: "Example run (examples/typescript): cleaning up." },
    }),
  );
  step(`withdrew application: status ${withdrawn.status}`);
  step("OK");
}

try {
  await main();
} catch (err) {
  console.error(`[ts] FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
