//! The `quire` command: parses arguments and hands them to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    quire::cli::run(quire::cli::Cli::parse())
}
