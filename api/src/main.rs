//! The `mobility` command: serve the API, migrate, seed, create users, print the spec.

use clap::{Args, Parser, Subcommand};
use entity::enums::Role;
use mobility_api::audit::Actor;
use mobility_api::config::Settings;
use mobility_api::{db, seed, startup, telemetry, users};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "mobility", version, about = "Erasmus+ staff-mobility projects of a library network: the REST API", long_about = None)]
struct Cli {
    /// Configuration file (default: ./mobility.toml if it exists). MOBILITY_* variables override it.
    #[arg(long, global = true, env = "MOBILITY_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default): migrates, seeds a new database, ensures an admin.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the project's own data (idempotent); --demo adds demo libraries and users.
    Seed(SeedArgs),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the OpenAPI document (JSON) to standard output.
    Openapi,
    /// Reminders (missing signatures, obligations due or overdue).
    Reminders {
        #[command(subcommand)]
        command: RemindersCommand,
    },
    /// Copy the SQLite database (a consistent snapshot, also while the service runs and
    /// writes) and the uploaded files into a new folder.
    Backup {
        /// The folder to write; it must not exist or be empty.
        #[arg(long)]
        to: PathBuf,
    },
    /// Bring a backup back into an empty data folder (the service stopped), checking it.
    Restore {
        /// A folder written by `mobility backup`.
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Subcommand)]
enum RemindersCommand {
    /// Queue the reminders due today, each at most once however often this runs, then exit
    /// (the server also does this by itself).
    Run,
}

#[derive(Args)]
struct SeedArgs {
    /// Also create clearly labelled demo member libraries and one demo user per role,
    /// printing their passwords once.
    #[arg(long)]
    demo: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is read from standard input when it is piped,
    /// otherwise generated and printed once.
    Create(UserCreateArgs),
}

#[derive(Args)]
struct UserCreateArgs {
    #[arg(long)]
    email: String,
    /// admin, coordinator, committee, accountant, library, participant or host.
    #[arg(long)]
    role: String,
    /// The user's organisation: its id, or its exact name.
    #[arg(long)]
    organisation: Option<String>,
    /// Full name (default: the e-mail).
    #[arg(long)]
    full_name: Option<String>,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format, &settings.log_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => runtime.block_on(serve(settings)),
        Command::Migrate => runtime.block_on(migrate(settings)),
        Command::Seed(args) => runtime.block_on(run_seed(settings, args.demo)),
        Command::User {
            command: UserCommand::Create(args),
        } => runtime.block_on(create_user(settings, args)),
        Command::Openapi => print_openapi(),
        Command::Reminders {
            command: RemindersCommand::Run,
        } => runtime.block_on(run_reminders(settings)),
        Command::Backup { to } => runtime.block_on(async {
            let s = mobility_api::backup::backup(&settings, &to).await?;
            println!(
                "backed up the database (taken at {}) and {} uploaded files to {}",
                s.manifest.taken_at,
                s.manifest.files,
                s.folder.display()
            );
            Ok(())
        }),
        Command::Restore { from } => runtime.block_on(async {
            let s = mobility_api::backup::restore(&settings, &from).await?;
            println!(
                "restored the backup taken at {} ({} uploaded files) into {}; integrity check ok",
                s.manifest.taken_at,
                s.manifest.files,
                s.folder.display()
            );
            Ok(())
        }),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let bind = settings.bind.clone();
    let application = startup::Application::build(settings).await?;
    tracing::info!(address = %bind, port = application.port(), "listening; Swagger UI at /docs");
    application.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

async fn run_reminders(settings: Settings) -> anyhow::Result<()> {
    let conn = db::connect(&settings).await?;
    db::migrate_with_backup(&conn, &settings).await?;
    let q = mobility_api::notifications::reminders::run(&conn, &mobility_api::clock::SystemClock)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "queued: {} missing-signature, {} obligation-due and {} obligation-overdue reminders",
        q.signature_missing, q.obligation_due, q.obligation_overdue
    );
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let conn = db::connect(&settings).await?;
    db::migrate_with_backup(&conn, &settings).await?;
    println!("migrations applied");
    Ok(())
}

async fn run_seed(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let conn = db::connect(&settings).await?;
    db::migrate_with_backup(&conn, &settings).await?;
    let report = seed::seed(&conn, demo).await?;
    if report.created.is_empty() {
        println!("nothing to do: everything was already there");
    }
    for line in &report.created {
        println!("created {line}");
    }
    if !report.demo_credentials.is_empty() {
        println!("\ndemo users (passwords are shown once):");
        for (email, role, pw) in &report.demo_credentials {
            println!("  {role:<12} {email:<32} {pw}");
        }
    }
    Ok(())
}

async fn create_user(settings: Settings, args: UserCreateArgs) -> anyhow::Result<()> {
    let role: Role = args
        .role
        .parse()
        .map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let conn = db::connect(&settings).await?;
    db::migrate_with_backup(&conn, &settings).await?;
    let organisation_id = match &args.organisation {
        None => None,
        Some(o) => Some(users::cli::resolve_organisation(&conn, o).await?),
    };
    let mut piped = String::new();
    if !std::io::stdin().is_terminal() {
        std::io::stdin().read_to_string(&mut piped)?;
    }
    let piped = piped.trim_end_matches(['\r', '\n']).to_string();
    let (password, generated) = if piped.is_empty() {
        (mobility_api::auth::password::generate(), true)
    } else {
        (piped, false)
    };
    anyhow::ensure!(
        password.chars().count() >= 12,
        "the password must be at least 12 characters long"
    );
    let new = users::service::NewUser {
        email: args.email.clone(),
        full_name: args.full_name.unwrap_or_else(|| args.email.clone()),
        role,
        organisation_id,
        password: password.clone(),
        active: true,
    };
    let u = users::service::create(&conn, &Actor::system("system:cli"), new)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.problem().detail_with_fields()))?;
    println!("created user {} ({}) with id {}", u.email, u.role, u.id);
    if generated {
        println!("password (shown once): {password}");
    }
    Ok(())
}

fn print_openapi() -> anyhow::Result<()> {
    let spec = startup::openapi_spec();
    println!("{}", serde_json::to_string_pretty(&spec)?);
    Ok(())
}
