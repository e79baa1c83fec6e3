//! The README shows the C program `tests/c/example.c` (which `tests/c/run.sh` compiles and
//! runs) as it is, so the example in the README cannot drift from one that works.

#[test]
fn readme_shows_tests_c_example_c_verbatim() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../c/example.c");
    let block = format!("```c\n{example}```\n");
    assert!(
        readme.contains(&block),
        "README.md must show tests/c/example.c verbatim in a ```c block"
    );
}
