// Generates api.d.ts (git-ignored) from ../../openapi/openapi.json with openapi-typescript.
//
// The Node API instead of the CLI for one reason: openapi-typescript types `format: binary` as
// `string`, so a multipart upload body (`FileUpload.file`) could only be given a string. The
// transform below is the one openapi-typescript documents for this: binary is a `Blob`.
import { writeFile } from "node:fs/promises";
import ts from "typescript";
import openapiTS, { COMMENT_HEADER, astToString } from "openapi-typescript";

const BLOB = ts.factory.createTypeReferenceNode("Blob");
const NULL = ts.factory.createLiteralTypeNode(ts.factory.createNull());

const spec = new URL("../../openapi/openapi.json", import.meta.url);
const out = new URL("./api.d.ts", import.meta.url);

const ast = await openapiTS(spec, {
  transform(schema) {
    if (!("format" in schema) || schema.format !== "binary") {
      return undefined;
    }
    const nullable = Array.isArray(schema.type) && schema.type.includes("null");
    return nullable ? ts.factory.createUnionTypeNode([BLOB, NULL]) : BLOB;
  },
});
await writeFile(out, COMMENT_HEADER + astToString(ast));
console.log(`openapi-typescript: ${spec.pathname} -> ${out.pathname}`);
