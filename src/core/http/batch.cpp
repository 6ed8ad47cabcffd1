// SPDX-License-Identifier: MIT
// The batch engine for `send --count` and `replay`: one Asio event loop on the calling thread
// driving `concurrency` keep-alive connections, Beast's parser reading the responses.
//
// PRODUCT.md makes cpp-httplib the client for send and replay; these bulk paths deviate on
// purpose, measured with bench/send (2 cores, nginx answering 204): a thread per connection
// blocked in cpp-httplib cost 28.5 us of CPU per delivery against wrk's 5.2 us and reached
// 0.29 of wrk's rate (target 0.50), most of it in the client (64 threads on 2 cores, ~11
// system calls per delivery). On this engine (with send_load building requests on a second
// thread) it spends 10-14 us per delivery, ~2.3 system calls, and reaches 0.46-0.60 of wrk in
// three bench/send runs. A single `hooks send` and listen's forwarding keep cpp-httplib; https
// batches still run on it (batch_threaded.cpp) as TLS is not done here.
//
// Requests are written as given: headers in order and case, Host first when the request has
// none. Content-Length always tells the body's length: a caller's stays in its place with that
// value, or one is added last; Transfer-Encoding is dropped (a replayed capture's body is
// already de-chunked).
#include "core/http/batch.hpp"

#include "core/http/batch_threaded.hpp"

// GCC 12 at -O2 reports a -Wnull-dereference inside Asio's scheduler once inlined (a thread-info
// pointer it cannot prove non-null); the warning stays on for our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#pragma GCC diagnostic pop
#include <algorithm>
#include <array>
#include <memory>
#include <vector>

namespace hooks::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;
/// A socket bound to the io_context's own executor: no type-erased executor on every operation.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

constexpr std::uint64_t k_max_response_body = 64ULL * 1024 * 1024;
constexpr std::uint32_t k_max_response_header = 64 * 1024;
/// How often should_stop() is polled and deadlines are checked: timeouts fire up to this late.
/// One sweep over the connections replaces a timer armed and cancelled for every request.
constexpr std::chrono::milliseconds k_poll_interval{50};

/// An attempt to make: now, or at `due` for a retry.
struct Pending {
    Clock::time_point due;
    std::uint64_t tag = 0;
    int attempt = 1;
    message::Message request;
};

/// The same checks Client::send makes: nothing that could split or smuggle a request goes out.
std::optional<std::string> invalid_reason(const message::Message& request) {
    if (auto valid = message::validate_method(request.method); !valid) {
        return valid.error().message;
    }
    if (request.target.empty() || request.target.find_first_of(" \r\n\t") != std::string::npos ||
        request.target.find('\0') != std::string::npos) {
        return "invalid request target";
    }
    for (const message::Header& header : request.headers) {
        if (auto valid = message::validate_header(header.name, header.value); !valid) {
            return valid.error().message;
        }
    }
    return std::nullopt;
}

/// The request line and headers as they go on the wire, into `head` (reused between requests).
void format_head(const message::Message& request, const std::string& host, std::string& head) {
    head.clear();
    head.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
    if (!request.first_header("Host")) {
        head.append("Host: ").append(host).append("\r\n");
    }
    std::string length = std::to_string(request.body.size());
    bool has_length = false;
    for (const message::Header& header : request.headers) {
        if (message::names_equal(header.name, "Transfer-Encoding")) {
            continue;
        }
        if (message::names_equal(header.name, "Content-Length")) {
            if (!has_length) {
                head.append(header.name).append(": ").append(length).append("\r\n");
                has_length = true;
            }
            continue;
        }
        head.append(header.name).append(": ").append(header.value).append("\r\n");
    }
    // As Beast's prepare_payload: an empty body is announced only where one is expected.
    const std::string& method = request.method;
    if (!has_length &&
        (!request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
        head.append("Content-Length: ").append(length).append("\r\n");
    }
    head.append("\r\n");
}

bool is_connection_lost(const ErrorCode& error) {
    return error == asio::error::eof || error == beast::http::error::end_of_stream ||
           error == asio::error::connection_reset || error == asio::error::broken_pipe ||
           error == asio::error::connection_aborted;
}

class Engine;

/// One keep-alive connection carrying one attempt at a time; it reconnects when the server
/// closed it, and resends once when a reused connection turns out to be closed already.
class Connection {
  public:
    Connection(Engine& engine, asio::io_context& io)
        : m_engine(engine), m_socket(io.get_executor()) {}

    /// Makes `pending`'s attempt; the engine hears of its result through Engine::finished().
    void start(Pending&& pending);

    /// Cuts the attempt under way short as a timeout when its deadline has passed.
    void expire(Clock::time_point now) {
        if (m_deadline <= now) {
            m_deadline = Clock::time_point::max();
            m_is_timed_out = true;
            close();
        }
    }

    void close() {
        ErrorCode ignored;
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
        m_is_open = false;
    }

  private:
    void connect();
    void write();
    void read();
    void on_response(const ErrorCode& error);
    void fail(Failure failure, std::string message);
    /// Whether a failure on a reused connection means only that the server had closed it.
    bool should_resend(const ErrorCode& error) const;
    void done(AttemptResult&& result);

    Engine& m_engine;
    Socket m_socket;
    beast::flat_buffer m_buffer;
    std::optional<beast::http::response_parser<beast::http::string_body>> m_parser;
    Pending m_pending;
    std::string m_head;
    Clock::time_point m_started;
    Clock::time_point m_deadline = Clock::time_point::max();
    bool m_is_timed_out = false;
    bool m_is_open = false;
    bool m_is_reused = false; ///< has carried a response already
    bool m_is_resent = false; ///< this attempt went out again on a fresh connection
    bool m_should_close = false;
};

/// The scheduler: hands attempts to idle connections (due retries first, then new exchanges
/// within max_open and the rate), and talks to the driver.
class Engine {
  public:
    Engine(const Url& origin, BatchDriver& driver, const BatchOptions& options)
        : m_driver(driver), m_options(options), m_origin(origin.origin()),
          m_host(origin.authority()), m_wake(m_io),
          m_max_open(options.max_open != 0 ? options.max_open
                                           : std::size_t{64} * std::max(options.concurrency, 1U)) {
        if (options.rate > 0) {
            m_interval = std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(1.0 / options.rate));
        }
        ErrorCode error;
        // A name that does not resolve leaves no endpoints: every attempt fails to connect.
        m_endpoints = tcp::resolver(m_io).resolve(origin.host, std::to_string(origin.port), error);
    }

    Result<void> run() {
        for (unsigned i = 0; i < std::max(m_options.concurrency, 1U); ++i) {
            m_connections.push_back(std::make_unique<Connection>(*this, m_io));
            m_idle.push_back(m_connections.back().get());
        }
        asio::post(m_io, [this] { dispatch(); });
        m_io.run();
        if (m_error) {
            return tl::unexpected(*m_error);
        }
        return {};
    }

    const std::string& origin() const { return m_origin; }
    const std::string& host() const { return m_host; }
    const ClientOptions& client() const { return m_options.client; }
    const tcp::resolver::results_type& endpoints() const { return m_endpoints; }

    /// An attempt is over: the driver judges it, and `connection` is free again.
    void finished(Connection& connection, Pending& pending, const AttemptResult& result);

  private:
    void dispatch();
    std::optional<Pending> take(Clock::time_point now);
    std::optional<Pending> start_exchange(Clock::time_point now);
    void wake_at(Clock::time_point at);
    void stop();

    void fail(const Error& error) {
        if (!m_error) {
            m_error = error;
        }
        stop();
    }

    bool can_start() const { return !m_is_exhausted && !m_is_stopped && m_open < m_max_open; }

    BatchDriver& m_driver;
    const BatchOptions& m_options;
    std::string m_origin;
    std::string m_host;
    asio::io_context m_io{1};
    tcp::resolver::results_type m_endpoints;
    asio::steady_timer m_wake;
    Clock::time_point m_wake_time;
    bool m_is_wake_armed = false;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::vector<Connection*> m_idle;
    std::vector<Pending> m_retries; ///< a heap, earliest due first
    std::size_t m_max_open;
    std::size_t m_open = 0;
    Clock::duration m_interval = Clock::duration::zero();
    Clock::time_point m_next_start = Clock::now();
    bool m_is_exhausted = false;
    bool m_is_stopped = false;
    bool m_is_done = false;
    std::optional<Error> m_error;
};

bool later_first(const Pending& a, const Pending& b) {
    return a.due > b.due;
}

void Engine::finished(Connection& connection, Pending& pending, const AttemptResult& result) {
    auto retry = m_driver.finished(pending.tag, pending.attempt, result);
    if (!retry) {
        --m_open;
        fail(retry.error());
    } else if (*retry && !m_is_stopped) {
        pending.due = Clock::now() + (*retry)->wait;
        pending.request = std::move((*retry)->request);
        ++pending.attempt;
        m_retries.push_back(std::move(pending));
        std::push_heap(m_retries.begin(), m_retries.end(), later_first);
    } else {
        --m_open;
    }
    m_idle.push_back(&connection);
    dispatch();
}

void Engine::dispatch() {
    if (m_is_done) {
        return;
    }
    if (!m_is_stopped && m_driver.should_stop()) {
        stop();
    }
    auto now = Clock::now();
    while (!m_idle.empty()) {
        auto pending = take(now);
        if (!pending) {
            break;
        }
        Connection* connection = m_idle.back();
        m_idle.pop_back();
        connection->start(std::move(*pending));
    }
    if (m_open == 0 && (m_is_exhausted || m_is_stopped)) {
        m_is_done = true;
        m_wake.cancel();
        for (auto& connection : m_connections) {
            connection->close();
        }
        return;
    }
    Clock::time_point wake = now + k_poll_interval;
    if (!m_idle.empty() && !m_retries.empty()) {
        wake = std::min(wake, m_retries.front().due);
    }
    if (!m_idle.empty() && can_start()) {
        wake = std::min(wake, m_next_start);
    }
    wake_at(wake);
}

std::optional<Pending> Engine::take(Clock::time_point now) {
    if (!m_retries.empty() && m_retries.front().due <= now) {
        std::pop_heap(m_retries.begin(), m_retries.end(), later_first);
        Pending pending = std::move(m_retries.back());
        m_retries.pop_back();
        return pending;
    }
    if (!can_start() || now < m_next_start) {
        return std::nullopt;
    }
    return start_exchange(now);
}

std::optional<Pending> Engine::start_exchange(Clock::time_point now) {
    auto job = m_driver.next();
    if (!job) {
        fail(job.error());
        return std::nullopt;
    }
    if (!*job) {
        m_is_exhausted = true;
        return std::nullopt;
    }
    ++m_open;
    if (m_interval != Clock::duration::zero()) {
        m_next_start = std::max(m_next_start + m_interval, now);
    }
    return Pending{now, (*job)->tag, 1, std::move((*job)->request)};
}

void Engine::wake_at(Clock::time_point at) {
    // Re-arming costs a cancelled wait: only move the alarm earlier.
    if (m_is_wake_armed && at >= m_wake_time) {
        return;
    }
    m_is_wake_armed = true;
    m_wake_time = at;
    m_wake.expires_at(at);
    m_wake.async_wait([this](const ErrorCode& error) {
        if (error != asio::error::operation_aborted) {
            m_is_wake_armed = false;
            auto now = Clock::now();
            for (auto& connection : m_connections) {
                connection->expire(now);
            }
            dispatch();
        }
    });
}

void Engine::stop() {
    // No new exchanges, no further attempts: the retries waiting are dropped.
    m_is_stopped = true;
    m_open -= m_retries.size();
    m_retries.clear();
}

void Connection::start(Pending&& pending) {
    m_pending = std::move(pending);
    m_is_resent = false;
    if (auto reason = invalid_reason(m_pending.request)) {
        // Never on the wire; reported from the loop so that the engine is not re-entered.
        asio::post(m_socket.get_executor(), [this, message = std::move(*reason)]() mutable {
            done(tl::unexpected(ClientError{Failure::other, std::move(message)}));
        });
        return;
    }
    format_head(m_pending.request, m_engine.host(), m_head);
    m_should_close = false;
    for (std::string_view value : m_pending.request.header_values("Connection")) {
        m_should_close = m_should_close || message::names_equal(value, "close");
    }
    if (m_is_open) {
        write();
    } else {
        connect();
    }
}

void Connection::connect() {
    if (m_engine.endpoints().empty()) {
        fail(Failure::connect,
             "cannot connect to " + m_engine.origin() + " (refused, unreachable or unknown host)");
        return;
    }
    m_is_timed_out = false;
    m_deadline = Clock::now() + m_engine.client().connect_timeout;
    asio::async_connect(
        m_socket, m_engine.endpoints(), [this](const ErrorCode& error, const tcp::endpoint&) {
            if (m_is_timed_out) {
                fail(Failure::timeout, "timed out connecting to " + m_engine.origin());
            } else if (error) {
                fail(Failure::connect, "cannot connect to " + m_engine.origin() +
                                           " (refused, unreachable or unknown host)");
            } else {
                // Head and body go in one gathered write; no Nagle delay.
                ErrorCode ignored;
                m_socket.set_option(tcp::no_delay(true), ignored);
                m_is_open = true;
                m_is_reused = false;
                write();
            }
        });
}

void Connection::write() {
    m_started = Clock::now();
    m_is_timed_out = false;
    m_deadline = m_started + m_engine.client().timeout;
    std::array<asio::const_buffer, 2> buffers{asio::buffer(m_head),
                                              asio::buffer(m_pending.request.body)};
    asio::async_write(m_socket, buffers, [this](const ErrorCode& error, std::size_t) {
        if (m_is_timed_out) {
            fail(Failure::timeout, "no response from " + m_engine.origin() + " within " +
                                       std::to_string(m_engine.client().timeout.count()) + " ms");
        } else if (should_resend(error)) {
            close();
            connect();
        } else if (error) {
            fail(Failure::read,
                 "connection to " + m_engine.origin() + " closed while sending the request");
        } else {
            read();
        }
    });
}

void Connection::read() {
    m_parser.emplace();
    m_parser->body_limit(k_max_response_body);
    m_parser->header_limit(k_max_response_header);
    m_parser->skip(m_pending.request.method == "HEAD");
    beast::http::async_read(m_socket, m_buffer, *m_parser,
                            [this](const ErrorCode& error, std::size_t) { on_response(error); });
}

bool Connection::should_resend(const ErrorCode& error) const {
    return m_is_reused && !m_is_resent && is_connection_lost(error) &&
           (!m_parser || !m_parser->got_some());
}

void Connection::on_response(const ErrorCode& error) {
    if (m_is_timed_out) {
        fail(Failure::timeout, "no response from " + m_engine.origin() + " within " +
                                   std::to_string(m_engine.client().timeout.count()) + " ms");
        return;
    }
    if (should_resend(error)) {
        m_is_resent = true;
        close();
        connect();
        return;
    }
    if (error) {
        bool is_malformed =
            error.category() ==
                beast::http::make_error_code(beast::http::error::bad_version).category() &&
            !is_connection_lost(error) && error != beast::http::error::partial_message;
        std::string message =
            is_malformed ? "invalid response from " + m_engine.origin() + ": " + error.message()
                         : "no complete response from " + m_engine.origin() +
                               " (timed out or connection closed)";
        fail(Failure::read, std::move(message));
        return;
    }
    auto& incoming = m_parser->get();
    ClientResponse response;
    response.latency =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - m_started);
    response.status = static_cast<int>(incoming.result_int());
    for (const auto& field : incoming) {
        response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    response.body = std::move(incoming.body());
    m_is_reused = true;
    if (!incoming.keep_alive() || m_should_close) {
        close();
    }
    done(std::move(response));
}

void Connection::fail(Failure failure, std::string message) {
    close();
    done(tl::unexpected(ClientError{failure, std::move(message)}));
}

void Connection::done(AttemptResult&& result) {
    m_parser.reset();
    m_deadline = Clock::time_point::max();
    // The engine may hand this connection its next attempt at once: nothing after this line.
    m_engine.finished(*this, m_pending, result);
}

} // namespace

Result<void> run_batch(const Url& origin, BatchDriver& driver, const BatchOptions& options) {
    if (origin.scheme == "https") {
        return run_batch_threaded(origin, driver, options);
    }
    Engine engine(origin, driver, options);
    return engine.run();
}

} // namespace hooks::http
