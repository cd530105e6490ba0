//! The `nag2prom` command.
fn main() {}
