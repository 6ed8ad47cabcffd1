// SPDX-License-Identifier: MIT
/// Private to the server adapter (src/core/http/server*.cpp): one connection's state machine and
/// what the connections share with the server. Beast and Asio are included only from here.
#pragma once

#include "core/http/server.hpp"

#include <atomic>
// GCC 12 at -O2 reports a -Wnull-dereference inside Asio's scheduler once inlined (a thread-info
// pointer it cannot prove non-null); the warning stays on for our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#pragma GCC diagnostic pop
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hooks::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

/// Sessions, their sockets and timers run on one worker's io_context: its concrete executor
/// type saves the type-erased executor's copies and indirect calls on every operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<asio::ip::tcp, Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;

class ServerSession;

/// One I/O thread: its own io_context (so no strand is needed) and the sessions it runs. The
/// list is touched only on that thread, or by the server once every I/O thread has stopped.
struct Worker {
    asio::io_context io{1};
    std::list<std::weak_ptr<ServerSession>> sessions;
    bool has_turn_end = false; ///< AsyncHandler::after_turn is posted
};

/// What every session shares with the server; outlives all sessions.
struct ServerShared {
    ServerLimits limits;
    Handler handler; ///< one of handler and async is set
    AsyncHandler async;
    RejectionHandler on_rejection;
    /// Handlers run here when ServerOptions::blocking_threads > 0.
    std::unique_ptr<asio::thread_pool> blocking;
    /// The shortest of the three timeouts: how often a session looks at its deadline.
    std::chrono::milliseconds tick{1'000};
    /// Open connections, counting those being refused with 503.
    std::atomic<std::size_t> open{0};
    std::atomic<bool> stopping{false};
    /// Called (on any thread) when the last connection closes during a stop.
    std::function<void()> on_drained;

    /// Passes a rejection to the caller's callback; its exceptions are swallowed so that they
    /// cannot take down an I/O thread.
    void report(const std::string& remote, int status, std::string reason) const;
    /// A connection is gone.
    void release_connection();
};

/// Beast's request parser, filling an IncomingRequest as it goes. Beast's own `fields` container
/// is not used: it files a repeated header next to its first occurrence, losing the wire order.
/// Trailer fields of a chunked body are dropped, not added to the headers. Feed it with
/// parse_some(), not put(): only the former holds the header section to its limit.
class RequestReader : public beast::http::basic_parser<true> {
  public:
    /// `max_header_bytes` bounds the request line and header fields together (ServerLimits).
    RequestReader(IncomingRequest& request, std::size_t max_header_bytes)
        : m_request(request), m_max_header_bytes(max_header_bytes) {}

    /// Beast's put(), with the request line and header fields counted together against
    /// `max_header_bytes` however the bytes are split between calls: fails with
    /// http::error::header_limit as soon as the header section cannot end within the limit.
    /// Returns the bytes used, as put() does.
    std::size_t parse_some(asio::const_buffer buffer, beast::error_code& ec);
    unsigned version() const { return m_version; }
    bool is_head() const { return m_is_head; }
    /// `Expect: 100-continue` in an HTTP/1.1 request.
    bool expects_continue() const { return m_expects_continue && m_version == 11; }
    /// The checks Beast leaves to the caller (Transfer-Encoding, and one Host in HTTP/1.1):
    /// empty when the header is acceptable, else the status (400 or 501) and a one-line reason.
    std::optional<std::pair<int, std::string>> framing_problem() const;

  private:
    void on_request_impl(beast::http::verb method, beast::string_view method_string,
                         beast::string_view target, int version, beast::error_code& ec) override;
    void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
    void on_field_impl(beast::http::field name, beast::string_view name_string,
                       beast::string_view value, beast::error_code& ec) override;
    void on_header_impl(beast::error_code&) override {}
    void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                           beast::error_code& ec) override;
    std::size_t on_body_impl(beast::string_view body, beast::error_code& ec) override;
    void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t remain, beast::string_view body,
                                   beast::error_code& ec) override;
    void on_finish_impl(beast::error_code&) override {}

    IncomingRequest& m_request;
    std::size_t m_max_header_bytes;
    std::size_t m_header_bytes = 0; ///< of the request line and header fields, used so far
    std::string m_transfer_codings; ///< every Transfer-Encoding value, joined by ", "
    std::size_t m_coding_count = 0;
    unsigned m_version = 11;
    bool m_is_head = false;
    bool m_has_transfer_encoding = false;
    bool m_has_malformed_coding = false; ///< a Transfer-Encoding value that is no token list
    bool m_has_content_length = false;
    bool m_expects_continue = false;
    unsigned m_host_count = 0;
};

/// One accepted connection: reads requests one at a time (pipelined ones wait in the buffer),
/// passes each to the handler and writes the answers in order. Everything but the handler call
/// runs on the worker's thread.
class ServerSession : public std::enable_shared_from_this<ServerSession> {
  public:
    /// `socket` belongs to `worker.io`; `over_capacity` sessions answer 503 and close.
    ServerSession(ServerShared& shared, Worker& worker, Socket socket, bool over_capacity);
    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;
    ~ServerSession();

    /// Registers with the worker and starts reading; on the worker's thread.
    void start();
    /// The server is stopping: closes the connection unless a request is under way.
    void on_server_stop();
    /// Closes the socket and cancels the timers (idempotent).
    void close();
    /// The AsyncHandler's answer (through a Responder, on any thread): `error` non-empty when
    /// the handler failed. The response is written on the session's thread.
    void answer(Response response, std::string error);

  private:
    enum class Phase { idle, header, body, handler, delay, writing, rejecting, lingering, closed };
    using Clock = std::chrono::steady_clock;

    // Reading and parsing (server_session.cpp).
    void begin_request(bool first);
    void reset_request();
    void read();
    void on_read(beast::error_code ec, std::size_t bytes);
    void on_read_error(beast::error_code ec);
    void parse();
    bool accept_header();
    /// Drops the empty lines at the start of the buffer; false when nothing else is there yet.
    bool skip_empty_lines();
    void on_continue_written(beast::error_code ec, std::size_t bytes);
    void reject_malformed(beast::error_code ec);
    void dispatch();

    // Deadlines (server_session.cpp).
    void set_deadline(std::chrono::milliseconds from_now);
    void wait_timer(Clock::time_point when);
    void on_timer(beast::error_code ec);
    void on_deadline();

    // Answering (server_session_write.cpp).
    void invoke_handler();
    void invoke_async_handler();
    void end_turn_later();
    void on_handler_done();
    void write_response();
    void on_written(beast::error_code ec, std::size_t bytes);
    void reject(int status, std::string reason);
    void on_rejection_written(beast::error_code ec, std::size_t bytes);
    void linger();
    void continue_linger(beast::error_code ec, std::size_t bytes);
    void discard();

    ServerShared& m_shared;
    Worker& m_worker;
    Socket m_socket;
    beast::flat_buffer m_buffer;
    Timer m_timer;
    std::optional<Timer> m_delay_timer;
    std::optional<RequestReader> m_parser;
    IncomingRequest m_request;
    Response m_response;
    std::string m_handler_error;
    std::string m_head; ///< the response's status line and headers, reused between requests
    std::string m_remote;
    std::list<std::weak_ptr<ServerSession>>::iterator m_registration;
    Clock::time_point m_deadline = Clock::time_point::max();
    std::size_t m_discarded_bytes = 0;
    Phase m_phase = Phase::header;
    unsigned m_version = 11;
    bool m_registered = false;
    bool m_over_capacity = false;
    bool m_header_checked = false;
    bool m_keep_alive = true;
    bool m_is_head = false;
    bool m_close_after = false;
    bool m_read_pending = false;
    bool m_write_pending = false;
    bool m_discarding = false;
};

/// "300 ms", or "10 s" for whole seconds.
std::string describe_duration(std::chrono::milliseconds duration);

/// The standard reason phrase of `status`, or "Unknown".
std::string_view status_reason(int status);

/// Appends the status line and header section of `response` to `out` (HTTP/1.1, with
/// Content-Length unless the status forbids one, also for HEAD, and Connection as needed; an
/// HTTP/1.0 client that may keep the connection is told so). The handler's own
/// Content-Length, Transfer-Encoding and Connection headers are replaced; `close` is set when
/// the connection must close after this response.
void write_response_head(const Response& response, unsigned version, bool& close, std::string& out);

/// Whether a response with this status carries a body.
bool status_has_body(int status);

/// A complete error response with a one-line text body, that closes the connection.
void write_error_response(int status, std::string_view reason, std::string& out);

} // namespace hooks::http::detail
