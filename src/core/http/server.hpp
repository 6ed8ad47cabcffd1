// SPDX-License-Identifier: MIT
/// The HTTP/1.1 server adapter that `listen` receives deliveries with (Boost.Beast on Asio,
/// confined to src/core/http/server*.cpp). It hands every well-formed request to a handler as a
/// `Message` exactly as it was on the wire, and answers malformed, oversize and slow requests
/// itself.
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
    std::size_t max_header_bytes = std::size_t{64} * 1024; ///< request line and headers: 431 beyond
    std::uint64_t max_body_bytes = 16ULL * 1024 * 1024;    ///< 413, sent before reading the body
    /// From the start of a request to its blank line: 408. A connection's first request starts
    /// at the accept (a connection that sends nothing is closed silently), a later one at its
    /// first byte.
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds body_timeout{
        30'000}; ///< for the whole body: 408; also bounds a write
    std::chrono::milliseconds idle_timeout{60'000}; ///< keep-alive wait for the next request
    std::size_t max_connections = 1024;             ///< beyond: 503 and close
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080; ///< 0 picks a free port
    ServerLimits limits;
    /// I/O threads, each with its own event loop; 0 means one per core. Accepting runs on the
    /// thread that calls run().
    unsigned threads = 0;
    /// The handler blocks (forwarding to an app): run it on a separate pool of this many threads
    /// so that I/O goes on meanwhile. 0 runs the handler on the I/O threads.
    unsigned blocking_threads = 0;
    /// After a stop, how long requests in flight may take to finish before they are cut off.
    std::chrono::milliseconds drain_timeout{5'000};
};

/// One complete request as it arrived.
struct IncomingRequest {
    /// Method and target as sent; headers in wire order, original case, duplicates kept, values
    /// as received less surrounding spaces and tabs (obsolete line folds become one space);
    /// the body's raw bytes, de-chunked but never decompressed; trailer fields after a chunked
    /// body in `message.trailers`, the same way as the headers.
    message::Message message;
    std::string remote;  ///< "127.0.0.1:54321", "[::1]:54321"
    std::string version; ///< "HTTP/1.1" or "HTTP/1.0"
};

/// The handler's answer. `delay` holds it back without holding a thread.
struct Response {
    /// 100-599 (anything else becomes a 500). 1xx, 204 and 304 carry no body; an interim 1xx
    /// also closes the connection. The reason phrase is the standard one, or "Unknown".
    int status = 204;
    /// Written in order, validated by the caller. Content-Length is computed and
    /// Transfer-Encoding and Connection are the server's: such headers given here are dropped
    /// (`Connection: close` counts as `close`).
    std::vector<message::Header> headers;
    std::string body; ///< not sent for HEAD requests (its length still is)
    std::chrono::milliseconds delay{0};
    bool close = false; ///< close the connection after this response
};

/// A request the server answered itself, for the caller to report.
struct Rejection {
    std::string remote;
    int status = 400;   ///< 0 when the connection was closed without an answer (cut short)
    std::string reason; ///< one line: "body of 2000000 bytes exceeds the limit of 1048576"
};

/// Called for every well-formed request, possibly on several threads at once; it may move
/// from the request. An exception becomes a 500 (and a Rejection).
using Handler = std::function<Response(IncomingRequest&)>;
/// Called for every request the server answered itself (400, 408, 413, 431, 500, 501, 503) and
/// for requests cut short (status 0), possibly on several threads at once; exceptions are
/// ignored. Idle connections closing are not reported.
using RejectionHandler = std::function<void(const Rejection&)>;

namespace detail {
class ServerSession;
}

/// Answers one request passed to an AsyncHandler, when and on whatever thread the handler
/// likes; the response is written on the connection's own I/O thread. Call respond() once. A
/// Responder dropped without answering answers 500 (reported as a handler failure).
class Responder {
  public:
    explicit Responder(std::shared_ptr<detail::ServerSession> session);
    Responder(Responder&& other) noexcept = default;
    Responder& operator=(Responder&& other) noexcept;
    Responder(const Responder&) = delete;
    Responder& operator=(const Responder&) = delete;
    ~Responder();

    /// Hands `response` to the connection (see Handler for what becomes a 500).
    void respond(Response response);

  private:
    std::shared_ptr<detail::ServerSession> m_session;
    int m_uncaught = 0; ///< exceptions in flight when it was made: is it dropped by one?
};

/// A handler that answers through a Responder, possibly later, so that it can finish several
/// requests together (one log write for all of them).
struct AsyncHandler {
    /// Called for every well-formed request, as a Handler is; an exception is reported as a
    /// handler failure, and a request it leaves unanswered gets a 500.
    std::function<void(IncomingRequest&, Responder)> handle;
    /// Optional. Called on an I/O thread after it has passed to `handle` the requests that were
    /// ready (one turn of its event loop, at least one request), before it waits for more: the
    /// place to finish what `handle` put aside on that thread. Not called for requests run on
    /// the blocking pool. Its exceptions are ignored.
    std::function<void()> after_turn;
};

/// A bound, listening server. Create with `bind`, then `run` on the calling thread.
class Server {
  public:
    /// Binds and listens (SO_REUSEADDR, backlog SOMAXCONN). `host` is a numeric IPv4 or IPv6
    /// address (brackets allowed) or a name, resolved preferring IPv4 ("localhost" binds
    /// 127.0.0.1). Fails (ErrorKind::config) with one line naming HOST:PORT and the system's
    /// reason: "cannot listen on 127.0.0.1:8080: address already in use".
    static Result<std::unique_ptr<Server>> bind(const ServerOptions& options, Handler handler,
                                                RejectionHandler on_rejection = {});
    /// The same with a handler that may answer later.
    static Result<std::unique_ptr<Server>> bind(const ServerOptions& options, AsyncHandler handler,
                                                RejectionHandler on_rejection = {});

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    /// Waits for handlers still running on the blocking pool.
    ~Server();

    /// The bound address, numeric and without brackets ("127.0.0.1", "::1"), and port (the
    /// real one when port 0 was asked for).
    const std::string& host() const;
    std::uint16_t port() const;

    /// Serves until stop(); then stops accepting, closes idle connections and lets requests in
    /// flight finish (at most drain_timeout, then cuts them off). Signals are the caller's
    /// (see listen::StopWhen). Call once.
    void run();

    /// Thread-safe; may be called from a handler, and before run() (which then returns at once).
    /// A second call ends the drain at once.
    void stop();

  private:
    struct Impl;
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace hooks::http
