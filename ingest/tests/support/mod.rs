//! Helpers shared by the ingest integration tests (`mod support;` in a test file).
//! Each test binary uses only part of them, hence the dead-code allowance (not `expect`,
//! which would fail in the binaries that do use everything).

#![allow(dead_code)]
#![allow(clippy::expect_used, reason = "test scaffolding fails loudly")]

pub mod http_server;
