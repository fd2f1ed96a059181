//! The command line: clap's argument types, turned into the library's option structs, and the
//! one place where results and errors are printed.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::pipeline::{self, BuildOptions};
use crate::serve::ServeOptions;

#[derive(Debug, Parser)]
#[command(
    name = "quire",
    version,
    about = "Build documentation sites from markdown, fast."
)]
pub struct Cli {
    /// The site folder, holding site.yaml and content/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail (every warning, each file written).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ unless configured otherwise).
    Build(BuildArgs),
    /// Run every check of a build without writing anything; report all problems at once.
    Check(CheckArgs),
    /// Build the site, serve it on this machine and rebuild it, live, whenever a file changes.
    Serve(ServeArgs),
    /// Create a new site in DIR that builds as it is.
    Init {
        /// Folder to create (must not exist, or be empty).
        dir: PathBuf,
    },
    /// List the languages fenced code blocks may name to be highlighted.
    Languages,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Publish under this URL instead of site.yaml's base_url (for previews).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Write the site to this folder instead of site.yaml's output_dir.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Also request every http(s) link (8 at a time, 10 s each).
    #[arg(long)]
    pub external: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; anything but 127.0.0.1 or ::1 lets other machines see the site.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: IpAddr,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser once it is built.
    #[arg(long)]
    pub open: bool,
}

impl BuildArgs {
    fn options(&self, root: PathBuf) -> BuildOptions {
        BuildOptions {
            root,
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            output: self.output.clone(),
            strict: self.strict,
            ..BuildOptions::default()
        }
    }
}

impl CheckArgs {
    fn options(&self, root: PathBuf) -> BuildOptions {
        BuildOptions {
            root,
            drafts: self.drafts,
            strict: self.strict,
            check_external: self.external,
            ..BuildOptions::default()
        }
    }
}

/// Runs a parsed command line; prints the outcome once and returns the exit code.
pub fn run(cli: Cli) -> ExitCode {
    let result = match &cli.command {
        Command::Build(args) => pipeline::build(&args.options(cli.root.clone())).map(|report| {
            if !cli.quiet {
                for w in &report.warnings {
                    eprintln!("{w}\n");
                }
                println!(
                    "Built {} page{}, {} section{} in {} ms -> {}/",
                    report.page_count,
                    plural(report.page_count),
                    report.section_count,
                    plural(report.section_count),
                    report.elapsed.as_millis(),
                    report.output_dir.display(),
                );
                if cli.verbose {
                    println!("{} files written", report.file_count);
                }
            }
        }),
        Command::Check(args) => {
            pipeline::render_site(&args.options(cli.root.clone())).map(|built| {
                if !cli.quiet {
                    for w in &built.warnings {
                        eprintln!("{w}\n");
                    }
                    println!(
                        "Checked {} page{}, {} section{}: no errors, {} warning{}",
                        built.page_count,
                        plural(built.page_count),
                        built.section_count,
                        plural(built.section_count),
                        built.warnings.len(),
                        plural(built.warnings.len()),
                    );
                }
            })
        }
        Command::Serve(args) => crate::serve::serve(ServeOptions {
            build: BuildOptions {
                root: cli.root.clone(),
                drafts: args.drafts,
                ..BuildOptions::default()
            },
            bind: args.bind,
            port: args.port,
            open: args.open,
            quiet: cli.quiet,
        }),
        Command::Init { dir } => crate::init::create(dir).map(|()| {
            if !cli.quiet {
                println!(
                    "Created a new site in {0}. Build it with: quire build --root {0}",
                    dir.display()
                );
            }
        }),
        Command::Languages => {
            for (name, words) in crate::highlight::Syntaxes::default().languages() {
                println!("{name}: {}", words.join(", "));
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
