// SPDX-License-Identifier: MIT
/// The HTTP/1.1 server adapter that `listen` receives deliveries with (Boost.Beast on Asio,
/// confined to server.cpp). It hands every well-formed request to a handler as a `Message`
/// exactly as it was on the wire, and answers malformed, oversize and slow requests itself.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hooks::http {

/// What a client may send and how long it may take; whatever exceeds these is answered by the
/// server (400, 408, 413, 431, 503) and never reaches the handler.
struct ServerLimits {
    std::size_t max_header_bytes = 64 * 1024; ///< request line and headers: 431 beyond
    std::uint64_t max_body_bytes = 16ULL * 1024 * 1024; ///< 413, sent before reading the body
    std::chrono::milliseconds header_timeout{10'000};   ///< from the first byte to the blank line
    std::chrono::milliseconds body_timeout{30'000};     ///< for the whole body
    std::chrono::milliseconds idle_timeout{60'000};     ///< keep-alive wait for the next request
    std::size_t max_connections = 1024;                 ///< beyond: 503 and close
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080; ///< 0 picks a free port
    ServerLimits limits;
    unsigned threads = 0; ///< I/O threads; 0 means one per core
    /// The handler blocks (forwarding to an app): run it on a separate pool of this many threads
    /// so that I/O goes on meanwhile. 0 runs the handler on the I/O threads.
    unsigned blocking_threads = 0;
    /// After a stop, how long requests in flight may take to finish before they are cut off.
    std::chrono::milliseconds drain_timeout{5'000};
    /// Stop on SIGINT and SIGTERM (run() reports which).
    bool handle_signals = true;
};

/// One complete request as it arrived.
struct IncomingRequest {
    message::Message message; ///< headers in wire order, original case, raw values; raw body
    std::string remote;       ///< "127.0.0.1:54321"
    std::string version;      ///< "HTTP/1.1"
};

/// The handler's answer. `delay` holds it back without holding a thread.
struct Response {
    int status = 204;
    std::vector<message::Header> headers; ///< validated by the caller; Content-Length is added
    std::string body;
    std::chrono::milliseconds delay{0};
    bool close = false; ///< close the connection after this response
};

/// A request the server answered itself, for the caller to report.
struct Rejection {
    std::string remote;
    int status = 400; ///< 0 when the connection was closed without an answer (timeouts)
    std::string reason; ///< one line: "body of 2000000 bytes exceeds --max-body 1048576"
};

/// Called for every well-formed request, possibly on several threads at once. An exception
/// becomes a 500.
using Handler = std::function<Response(IncomingRequest&)>;
using RejectionHandler = std::function<void(const Rejection&)>;

enum class StopReason { requested, interrupt, terminate };

/// A bound, listening server. Create with `bind`, then `run` on the calling thread.
class Server {
  public:
    /// Binds and listens (backlog SOMAXCONN). Fails with one line naming HOST:PORT and the
    /// system's reason (address in use, cannot assign address, permission denied).
    static Result<std::unique_ptr<Server>> bind(const ServerOptions& options, Handler handler,
                                                RejectionHandler on_rejection = {});

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server();

    /// The bound address and port (the real one when port 0 was asked for).
    const std::string& host() const;
    std::uint16_t port() const;

    /// Serves until `stop()` or a signal; then stops accepting, lets requests in flight finish
    /// (at most drain_timeout) and returns why it stopped.
    StopReason run();

    /// Thread-safe; may be called from a handler.
    void stop();

  private:
    struct Impl;
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace hooks::http
