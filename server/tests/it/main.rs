//! The one integration-test binary: each module starts a real Tessera server (or a real client)
//! in-process on a free loopback port with a fresh database, and talks to it over real HTTP.

mod assets;
mod auth0_compat;
mod clients_api;
mod connection_profile;
mod dashboard;
mod dns;
mod federation;
mod foundation;
mod hardening;
mod issuer_check;
mod layers;
mod management_api;
mod operations;
mod organizations;
mod plain_forms;
mod provider;
mod replica_processes;
mod revocation;
mod roles;
mod scim;
mod seeds;
mod security;
mod sessions;
mod signin_flow;
mod third_party;
mod vault;
mod support;
