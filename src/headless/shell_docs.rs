//! `seawall completions SHELL` and `seawall man`: shell completions and roff man pages,
//! both generated from the clap definition ([`crate::cli::Cli`]), so they always list the
//! commands and options this binary has.

use clap::{Args, CommandFactory};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `seawall completions` options.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `seawall man` options.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into DIR (seawall.1, seawall-scan.1, ...) instead of
    /// the main page to stdout.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Write the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    let mut command = crate::cli::Cli::command();
    clap_complete::generate(shell, &mut command, "seawall", out);
}

/// Write the main man page (roff, section 1): synopsis, options, the list of commands.
pub fn man(out: &mut dyn Write) -> io::Result<()> {
    clap_mangen::Man::new(crate::cli::Cli::command())
        .manual("seawall")
        .render(out)
}

/// Write `seawall.1` and one `seawall-COMMAND.1` per command into `dir` (created if
/// missing); returns the files written.
pub fn man_pages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut command = crate::cli::Cli::command().disable_help_subcommand(true);
    command.build();
    let main = clap_mangen::Man::new(command.clone()).manual("seawall");
    let mut written = vec![main.generate_to(dir)?];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let page = clap_mangen::Man::new(sub.clone())
            .source(format!("seawall {}", crate::cli::VERSION))
            .manual("seawall");
        written.push(page.generate_to(dir)?);
    }
    Ok(written)
}
