// SPDX-License-Identifier: MIT
/// The TLS side of the outgoing https connections (Client's and the batch engine's), on
/// OpenSSL: how the peer is verified, the name it is checked against, and the one-line message
/// when a handshake fails.
#pragma once

#include "core/http/client.hpp"

#include <openssl/types.h>
#include <string>

namespace hooks::http {

/// Sets `context` up as `options` say: the peer's certificate is verified against the system's
/// trust store and `options.ca_file` (when given), unless `options.insecure`. Fails with
/// Failure::tls when the CA file cannot be loaded.
tl::expected<void, ClientError> configure_tls(SSL_CTX* context, const ClientOptions& options,
                                              const std::string& origin);

/// Names `host` (a DNS name, or an IP address without brackets) on `ssl`: as SNI for a name,
/// and as what the certificate must be issued for. False if OpenSSL refuses it.
bool name_tls_peer(SSL* ssl, const std::string& host);

/// Why the handshake on `ssl` with `origin` failed, in one line (Failure::tls): the certificate
/// check's verdict when that failed, else OpenSSL's reason `openssl_error` (0 when the connection
/// ended without one).
ClientError describe_tls_failure(const SSL* ssl, unsigned long openssl_error,
                                 const std::string& origin);

} // namespace hooks::http
