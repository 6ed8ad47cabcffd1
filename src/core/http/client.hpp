// SPDX-License-Identifier: MIT
/// The client for one request at a time (a single `hooks send`, listen's forwarding), on the
/// batch engine's connection; and the URLs, options and failures every outgoing request shares.
/// Every outgoing header is validated before it reaches the wire.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace hooks::http {

/// An absolute http:// or https:// URL split into what the client needs.
struct Url {
    std::string scheme; ///< "http" or "https"
    std::string host;   ///< without brackets for IPv6
    std::uint16_t port = 80;
    std::string target; ///< path and query, "/" when empty
    /// scheme://host:port, the part a connection is made to
    std::string origin() const;
    /// host[:port] as the Host header gives it: the port only when not the scheme's default.
    std::string authority() const;
    bool has_path = false; ///< whether the URL named a path (even "/")
};

/// Parses `text`; fails with one line naming what is wrong (usage error).
Result<Url> parse_url(std::string_view text);

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{5'000};
    std::chrono::milliseconds timeout{30'000}; ///< for the whole response
    bool insecure = false;                     ///< skip TLS certificate checks
    std::string ca_file;                       ///< CA bundle for https, instead of the system's
    /// Client only (the batch engine asks its driver): polled while a request is under way;
    /// true cuts it short, and send() fails with "interrupted" (SIGINT).
    std::function<bool()> should_stop;
};

/// The answer, or why there was none.
struct ClientResponse {
    int status = 0;
    std::vector<message::Header> headers;
    std::string body;
    std::chrono::microseconds latency{0};
};

/// Why a request got no response: which stage failed, for retry decisions and messages.
enum class Failure { connect, timeout, tls, read, other };

struct ClientError {
    Failure failure = Failure::other;
    std::string message; ///< one line
};

/// The one-line messages a failure gets, from Client and the batch engine alike.
ClientError connect_failure(const std::string& origin);
ClientError connect_timeout(const std::string& origin);
ClientError response_timeout(const std::string& origin, std::chrono::milliseconds budget);

/// A connection to one origin, kept alive between requests (made again after a failed one), with
/// its own event loop: send() blocks until the attempt is over. Not thread-safe: use one per
/// thread.
class Client {
  public:
    static Result<std::unique_ptr<Client>> create(const Url& origin, const ClientOptions& options);
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    /// Sends `request` exactly as to_wire() makes it (headers in their order and case, duplicates
    /// kept; Host, the URL's authority, first when it has none; Content-Length set to the body's
    /// length; Transfer-Encoding dropped; nothing else added) and waits for the response: within
    /// connect_timeout to connect (and complete the TLS handshake), then within timeout for the
    /// whole response. A reused connection that the server had closed is replaced and the request
    /// sent once more. Redirects are not followed; bodies are not decompressed. Fails with
    /// Failure::other, sending nothing, when the request could split or smuggle (to_wire()).
    tl::expected<ClientResponse, ClientError> send(const message::Message& request);

  private:
    struct Impl;
    explicit Client(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace hooks::http
