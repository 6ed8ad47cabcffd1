// SPDX-License-Identifier: MIT
// Reading side of a connection: deadlines, Beast's parser driven by hand over a flat buffer (so
// that the header can be judged before any body byte is read), and the handoff to the handler.
#include "core/http/server_session.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <limits>
#include <utility>

namespace hooks::http::detail {

namespace {

namespace http = beast::http;

constexpr std::size_t k_read_size = std::size_t{16} * 1024;
constexpr std::size_t k_expected_headers = 16;
constexpr std::size_t k_kept_body_capacity = std::size_t{64} * 1024;
constexpr std::size_t k_max_chunk_line = std::size_t{64} * 1024;
constexpr std::string_view k_continue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string describe_remote(const Socket& socket) {
    beast::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return "unknown";
    }
    auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    auto port = std::to_string(endpoint.port());
    if (address.is_v6()) {
        return "[" + address.to_string() + "]:" + port;
    }
    return address.to_string() + ":" + port;
}

std::string header_too_large(std::size_t limit) {
    return "header section exceeds " + std::to_string(limit) + " bytes";
}

} // namespace

ServerSession::ServerSession(ServerShared& shared, Worker& worker, Socket socket,
                             bool over_capacity)
    : m_shared(shared), m_worker(worker), m_socket(std::move(socket)),
      m_timer(worker.io.get_executor()), m_over_capacity(over_capacity) {
    m_remote = describe_remote(m_socket);
}

ServerSession::~ServerSession() {
    // Destroyed without close() only when the server tears down its queues; the worker's list
    // may be gone by then, so only the count is released.
    if (m_phase != Phase::closed) {
        m_shared.release_connection();
    }
}

void ServerSession::start() {
    m_registration = m_worker.sessions.insert(m_worker.sessions.end(), weak_from_this());
    m_registered = true;
    wait_timer(Clock::now() + m_shared.tick);
    if (m_over_capacity) {
        reject(503, "too many connections (limit " +
                        std::to_string(m_shared.limits.max_connections) + ")");
        return;
    }
    if (m_shared.stopping) {
        close();
        return;
    }
    begin_request(true);
}

void ServerSession::on_server_stop() {
    if (m_phase == Phase::idle || (m_phase == Phase::header && m_buffer.size() == 0)) {
        close();
    }
}

void ServerSession::close() {
    if (m_phase == Phase::closed) {
        return;
    }
    m_phase = Phase::closed;
    beast::error_code ec;
    m_socket.close(ec);
    m_timer.cancel();
    if (m_delay_timer) {
        m_delay_timer->cancel();
    }
    if (m_registered) {
        m_worker.sessions.erase(m_registration);
        m_registered = false;
    }
    m_shared.release_connection();
}

void ServerSession::begin_request(bool first) {
    const auto& limits = m_shared.limits;
    reset_request();
    m_parser.emplace(m_request, limits.max_header_bytes);
    // The Content-Length is judged in accept_header() to name it in the 413; Beast's own limit
    // is set there too, for chunked bodies.
    m_parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    m_header_checked = false;
    if (m_buffer.size() > 0) {
        m_phase = Phase::header;
        set_deadline(limits.header_timeout);
        parse();
        return;
    }
    // The first request's header deadline runs from the accept, so that a connection that
    // never sends anything is not kept for the whole idle timeout.
    m_phase = first ? Phase::header : Phase::idle;
    set_deadline(first ? limits.header_timeout : limits.idle_timeout);
    read();
}

void ServerSession::reset_request() {
    auto& message = m_request.message;
    message.method.clear();
    message.target.clear();
    message.headers.clear();
    message.trailers.clear();
    // The handler usually moves the message away: one allocation for a typical header list
    // instead of a vector growing by doubling.
    message.headers.reserve(k_expected_headers);
    // Keep a small body's buffer for the next request, but not a large one on an idle connection.
    if (message.body.capacity() > k_kept_body_capacity) {
        message.body = std::string();
    } else {
        message.body.clear();
    }
}

void ServerSession::read() {
    m_read_pending = true;
    m_socket.async_read_some(
        m_buffer.prepare(k_read_size),
        beast::bind_front_handler(&ServerSession::on_read, shared_from_this()));
}

void ServerSession::on_read(beast::error_code ec, std::size_t bytes) {
    m_read_pending = false;
    if (m_phase == Phase::closed || m_phase == Phase::rejecting) {
        return; // cancelled by a timeout that is being answered; linger() reads on
    }
    if (m_phase == Phase::lingering) {
        continue_linger(ec, bytes);
        return;
    }
    if (ec) {
        on_read_error(ec);
        return;
    }
    m_buffer.commit(bytes);
    if (m_phase == Phase::idle) {
        m_phase = Phase::header;
        set_deadline(m_shared.limits.header_timeout);
    }
    parse();
}

void ServerSession::on_read_error(beast::error_code ec) {
    bool in_request = m_phase == Phase::body || (m_phase == Phase::header && m_buffer.size() > 0);
    if (in_request && ec != asio::error::operation_aborted) {
        m_shared.report(m_remote, 0, "connection closed before the request was complete");
    }
    close();
}

void ServerSession::parse() {
    auto& parser = *m_parser;
    if (!parser.got_some() && !skip_empty_lines()) {
        read();
        return;
    }
    while (!parser.is_done() && m_buffer.size() > 0) {
        beast::error_code ec;
        auto used = parser.parse_some(m_buffer.data(), ec);
        m_buffer.consume(used);
        if (ec == http::error::need_more) {
            // parse_some() bounds the header; a chunk line or trailer section that never ends
            // is bounded here.
            if (parser.is_header_done() && m_buffer.size() > k_max_chunk_line) {
                reject(400, "malformed request: chunk line or trailers too long");
                return;
            }
            break;
        }
        if (ec) {
            reject_malformed(ec);
            return;
        }
        if (parser.is_header_done() && !m_header_checked) {
            m_header_checked = true;
            if (!accept_header()) {
                return;
            }
        }
        if (used == 0) {
            break;
        }
    }
    if (parser.is_done()) {
        dispatch();
        return;
    }
    read();
}

bool ServerSession::skip_empty_lines() {
    // RFC 9112 section 2.2: empty lines before a request line (a client's stray CRLF after the
    // previous body) are ignored. Endless ones meet the header deadline.
    while (m_buffer.size() > 0) {
        const auto* bytes = static_cast<const char*>(m_buffer.data().data());
        if (bytes[0] == '\n') {
            m_buffer.consume(1);
        } else if (bytes[0] == '\r' && m_buffer.size() == 1) {
            return false; // its LF has not arrived yet
        } else if (bytes[0] == '\r' && bytes[1] == '\n') {
            m_buffer.consume(2);
        } else {
            return true;
        }
    }
    return false;
}

bool ServerSession::accept_header() {
    const auto& limits = m_shared.limits;
    if (auto problem = m_parser->framing_problem()) {
        reject(problem->first, std::move(problem->second));
        return false;
    }
    if (auto length = m_parser->content_length(); length && *length > limits.max_body_bytes) {
        reject(413, "body of " + std::to_string(*length) + " bytes exceeds the limit of " +
                        std::to_string(limits.max_body_bytes));
        return false;
    }
    m_parser->body_limit(limits.max_body_bytes);
    if (m_parser->is_done()) {
        return true;
    }
    m_phase = Phase::body;
    set_deadline(limits.body_timeout);
    // A client that already sent body bytes is not waiting for the interim answer.
    if (m_parser->expects_continue() && m_buffer.size() == 0) {
        m_write_pending = true;
        asio::async_write(
            m_socket, asio::buffer(k_continue.data(), k_continue.size()),
            beast::bind_front_handler(&ServerSession::on_continue_written, shared_from_this()));
        return false;
    }
    return true;
}

void ServerSession::on_continue_written(beast::error_code ec, std::size_t /*bytes*/) {
    m_write_pending = false;
    if (m_phase != Phase::body) {
        return;
    }
    if (ec) {
        close();
        return;
    }
    parse();
}

void ServerSession::reject_malformed(beast::error_code ec) {
    const auto& limits = m_shared.limits;
    if (ec == http::error::header_limit) {
        reject(431, header_too_large(limits.max_header_bytes));
    } else if (ec == http::error::body_limit) {
        reject(413, "chunked body exceeds the limit of " + std::to_string(limits.max_body_bytes) +
                        " bytes");
    } else {
        reject(400, "malformed request: " + ec.message());
    }
}

void ServerSession::dispatch() {
    m_keep_alive = m_parser->keep_alive();
    m_version = m_parser->version();
    m_is_head = m_parser->is_head();
    m_parser.reset();
    m_request.remote = m_remote;
    m_request.version = m_version == 10 ? "HTTP/1.0" : "HTTP/1.1";
    m_phase = Phase::handler;
    m_deadline = Clock::time_point::max();
    bool is_async = static_cast<bool>(m_shared.async.handle);
    if (!m_shared.blocking) {
        if (is_async) {
            invoke_async_handler();
            end_turn_later();
            return;
        }
        invoke_handler();
        on_handler_done();
        return;
    }
    // Only the request, the response and the handler are touched on the pool's thread.
    asio::post(*m_shared.blocking, [self = shared_from_this(), is_async]() mutable {
        if (is_async) {
            self->invoke_async_handler(); // its Responder posts the answer
            return;
        }
        self->invoke_handler();
        auto& io = self->m_worker.io;
        asio::post(io, [self = std::move(self)] { self->on_handler_done(); });
    });
}

void ServerSession::set_deadline(std::chrono::milliseconds from_now) {
    m_deadline = Clock::now() + from_now;
    // The timer never waits longer than one tick, so it need not be moved for longer deadlines;
    // a shorter one (lingering) re-arms it.
    if (from_now < m_shared.tick) {
        wait_timer(m_deadline);
    }
}

void ServerSession::wait_timer(Clock::time_point when) {
    m_timer.expires_at(when);
    m_timer.async_wait(beast::bind_front_handler(&ServerSession::on_timer, shared_from_this()));
}

void ServerSession::on_timer(beast::error_code ec) {
    if (ec || m_phase == Phase::closed) {
        return; // closed, or re-armed by set_deadline
    }
    auto now = Clock::now();
    if (now >= m_deadline) {
        on_deadline();
        if (m_phase == Phase::closed) {
            return;
        }
    }
    wait_timer(std::min(m_deadline, now + m_shared.tick));
}

void ServerSession::on_deadline() {
    const auto& limits = m_shared.limits;
    std::string reason;
    if (m_phase == Phase::header && m_buffer.size() > 0) {
        reason = "header not complete after " + describe_duration(limits.header_timeout);
    } else if (m_phase == Phase::body && !m_write_pending) {
        reason = "body not complete after " + describe_duration(limits.body_timeout);
    }
    if (reason.empty()) {
        close(); // idle, a silent new connection, or an answer nobody reads
        return;
    }
    beast::error_code ignored;
    m_socket.cancel(ignored);
    reject(408, std::move(reason));
}

} // namespace hooks::http::detail
