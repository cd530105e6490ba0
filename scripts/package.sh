#!/usr/bin/env bash
# Build the Debian package with cargo-deb: the release binary, then the man pages and shell
# completions generated from it (target/package-assets/), then `cargo deb --no-build`.
# Prints the .deb's path. Needs cargo-deb (`cargo install cargo-deb --locked`) and dpkg.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-deb >/dev/null || { echo "package.sh: cargo-deb not found (cargo install cargo-deb --locked)" >&2; exit 2; }
cargo build --release --locked --quiet --bin nag2prom
assets=target/package-assets
rm -rf "$assets"
mkdir -p "$assets/man" "$assets/completions"
target/release/nag2prom man --out-dir "$assets/man"
gzip -9n "$assets"/man/*.1
target/release/nag2prom completions bash > "$assets/completions/nag2prom"
target/release/nag2prom completions zsh > "$assets/completions/_nag2prom"
target/release/nag2prom completions fish > "$assets/completions/nag2prom.fish"
cargo deb --no-build --quiet >/dev/null
ls -1t target/debian/*.deb | head -n 1
