//! The question before a command that moves money.
//!
//! `--yes` is the confirmation. Without it the question is asked on the terminal, and only
//! there: a pipe or a file on stdin never answers it, since a stray `y` in a script's input
//! must not refund anybody.

use std::io::{BufRead, IsTerminal, Write};

use crate::failure::Failure;
use crate::output::sanitize;

/// Whether the command may go on without asking (`--yes`), or who answers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Consent {
    /// `--yes` was given.
    Given,
    /// Ask on the terminal.
    Ask,
    /// Nobody can be asked: stdin is not a terminal and `--yes` was not given.
    Impossible,
}

impl Consent {
    /// How this run confirms, from `--yes` and whether stdin is a terminal. Decided before
    /// anything is sent, so a refused run sends nothing.
    pub fn of_run(yes: bool) -> Consent {
        if yes {
            Consent::Given
        } else if std::io::stdin().is_terminal() {
            Consent::Ask
        } else {
            Consent::Impossible
        }
    }
}

/// The refusal of a run that cannot be confirmed (exit code 2).
pub fn refused(action: &str) -> Failure {
    Failure::usage(format!(
        "not confirmed: to {action}, pass --yes (stdin is not a terminal, so there is \
         nobody to ask); nothing was sent"
    ))
}

/// Shows `plan` (lines saying what will happen, [`sanitize`]d) on stderr and asks
/// `Proceed? [y/N]` on the terminal.
///
/// # Errors
///
/// A failure with exit code 2 when the answer is not yes (an empty line or end of input
/// included), or when stdin cannot be read.
pub fn ask(plan: &[String]) -> Result<(), Failure> {
    let stdin = std::io::stdin();
    ask_with(plan, &mut stdin.lock(), &mut std::io::stderr())
}

/// [`ask`] on any reader and writer.
fn ask_with(
    plan: &[String],
    input: &mut impl BufRead,
    prompt: &mut impl Write,
) -> Result<(), Failure> {
    // The plan quotes the gateway: each line goes through the one sanitiser, whatever its
    // parts went through already, so nothing in it can move the cursor or rewrite a line.
    let mut question = String::new();
    for line in plan {
        question.push_str(&sanitize(line));
        question.push('\n');
    }
    question.push_str("Proceed? [y/N] ");
    prompt
        .write_all(question.as_bytes())
        .and_then(|()| prompt.flush())
        .map_err(|e| Failure::usage(format!("could not ask for confirmation: {e}")))?;
    let mut answer = String::new();
    input
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("could not read the confirmation: {e}")))?;
    if is_yes(&answer) {
        Ok(())
    } else {
        Err(Failure::usage("not confirmed; nothing was done"))
    }
}

/// `y` or `yes`, in any case, with blanks around it.
fn is_yes(answer: &str) -> bool {
    let answer = answer.trim();
    answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str) -> (Result<(), Failure>, String) {
        let mut prompt = Vec::new();
        let result = ask_with(
            &["refund 25.00 CZK of payment 1".to_owned()],
            &mut text.as_bytes(),
            &mut prompt,
        );
        (result, String::from_utf8(prompt).unwrap())
    }

    #[test]
    fn only_yes_proceeds() {
        for yes in ["y\n", "Y\n", " yes \n", "YES"] {
            let (result, prompt) = answer(yes);
            assert!(result.is_ok(), "{yes:?}");
            assert_eq!(prompt, "refund 25.00 CZK of payment 1\nProceed? [y/N] ");
        }
        for no in ["", "\n", "n\n", "no\n", "yy\n", "sure\n", "y es\n"] {
            let (result, _) = answer(no);
            let failure = result.expect_err(no);
            assert_eq!(failure.code, crate::failure::USAGE, "{no:?}");
            assert!(failure.message.contains("nothing was done"), "{no:?}");
        }
    }

    #[test]
    fn the_prompt_shows_gateway_text_escaped() {
        let mut prompt = Vec::new();
        let plan = [
            "gopay: about to refund 9999.00 CZK\u{1b}[1A\u{1b}[2K\rrefund 0.01 CZK".to_owned(),
            "  payment 1: order \u{9b}2J\u{202e}, state PAID\nProceed? [y/N] y".to_owned(),
        ];
        let result = ask_with(&plan, &mut "n\n".as_bytes(), &mut prompt);
        assert_eq!(result.unwrap_err().code, crate::failure::USAGE);
        assert_eq!(
            String::from_utf8(prompt).unwrap(),
            "gopay: about to refund 9999.00 CZK\\u{1b}[1A\\u{1b}[2K\\u{d}refund 0.01 CZK\n  \
             payment 1: order \\u{9b}2J\\u{202e}, state PAID\\u{a}Proceed? [y/N] y\n\
             Proceed? [y/N] "
        );
    }

    #[test]
    fn yes_on_the_command_line_needs_no_terminal() {
        assert_eq!(Consent::of_run(true), Consent::Given);
        assert!(refused("refund").message.contains("pass --yes"));
    }
}
