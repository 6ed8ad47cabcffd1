// SPDX-License-Identifier: MIT
// Answering side of a connection: the handler call, the delay, the response write, and the
// answers the server gives itself followed by a lingering close.
#include "core/http/server_session.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/write.hpp>
#include <exception>
#include <utility>

namespace hooks::http::detail {

namespace {

constexpr std::size_t k_discard_size = std::size_t{16} * 1024;
// After an error answer the client may still be sending (a body we refused to read); closing
// with unread data would make the kernel send a reset that can destroy the answer in flight.
// So the server stops sending, then reads and drops the rest for a short while.
constexpr std::chrono::milliseconds k_linger_time{2'000};
constexpr std::size_t k_linger_bytes = std::size_t{1024} * 1024;

} // namespace

void ServerSession::invoke_handler() {
    m_handler_error.clear();
    try {
        m_response = m_shared.handler(m_request);
        if (m_response.status < 100 || m_response.status > 599) {
            m_handler_error = "handler returned status " + std::to_string(m_response.status);
        }
    } catch (const std::exception& error) {
        m_handler_error = error.what();
        if (m_handler_error.empty()) {
            m_handler_error = "exception";
        }
    } catch (...) {
        m_handler_error = "unknown exception";
    }
}

void ServerSession::invoke_async_handler() {
    m_handler_error.clear();
    std::string failure;
    try {
        m_shared.async.handle(m_request, Responder(shared_from_this()));
        return;
    } catch (const std::exception& error) {
        failure = error.what();
    } catch (...) {
        failure = "unknown exception";
    }
    // The Responder is gone with the exception; if it had not answered, it answered 500
    // without a report of its own.
    m_shared.report(m_remote, 500, "handler failed: " + (failure.empty() ? "exception" : failure));
}

void ServerSession::end_turn_later() {
    if (!m_shared.async.after_turn || m_worker.has_turn_end) {
        return;
    }
    m_worker.has_turn_end = true;
    // Posted behind the completions that this turn of the event loop found ready, so that it
    // runs once their requests have all been passed to the handler.
    asio::post(m_worker.io, [&worker = m_worker, &shared = m_shared] {
        worker.has_turn_end = false;
        try {
            shared.async.after_turn();
        } catch (...) {
            // An I/O thread serves other connections: it must not end here.
        }
    });
}

void ServerSession::answer(Response response, std::string error) {
    m_response = std::move(response);
    m_handler_error = std::move(error);
    if (m_handler_error.empty() && (m_response.status < 100 || m_response.status > 599)) {
        m_handler_error = "handler returned status " + std::to_string(m_response.status);
    }
    asio::post(m_worker.io, [self = shared_from_this()] { self->on_handler_done(); });
}

void ServerSession::on_handler_done() {
    if (m_phase == Phase::closed) {
        return;
    }
    if (!m_handler_error.empty()) {
        m_shared.report(m_remote, 500, "handler failed: " + m_handler_error);
        m_response = Response{};
        m_response.status = 500;
    }
    if (m_response.delay > std::chrono::milliseconds::zero()) {
        m_phase = Phase::delay;
        if (!m_delay_timer) {
            m_delay_timer.emplace(m_worker.io.get_executor());
        }
        m_delay_timer->expires_after(m_response.delay);
        m_delay_timer->async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec && self->m_phase == Phase::delay) {
                self->write_response();
            }
        });
        return;
    }
    write_response();
}

void ServerSession::write_response() {
    bool close = m_response.close || !m_keep_alive || m_shared.stopping;
    m_head.clear();
    write_response_head(m_response, m_version, close, m_head);
    m_close_after = close;
    bool with_body = !m_is_head && status_has_body(m_response.status);
    std::array<asio::const_buffer, 2> buffers{
        asio::buffer(m_head), with_body ? asio::buffer(m_response.body) : asio::const_buffer{}};
    m_phase = Phase::writing;
    set_deadline(m_shared.limits.body_timeout);
    m_write_pending = true;
    asio::async_write(m_socket, buffers,
                      beast::bind_front_handler(&ServerSession::on_written, shared_from_this()));
}

void ServerSession::on_written(beast::error_code ec, std::size_t /*bytes*/) {
    m_write_pending = false;
    if (m_phase != Phase::writing) {
        return;
    }
    if (ec) {
        close();
        return;
    }
    m_response = Response{};
    if (m_close_after) {
        linger();
        return;
    }
    begin_request(false);
}

void ServerSession::reject(int status, std::string reason) {
    m_shared.report(m_remote, status, std::move(reason));
    m_phase = Phase::rejecting;
    set_deadline(std::min(m_shared.tick, k_linger_time)); // for the write and the linger
    m_head.clear();
    write_error_response(status, status_reason(status), m_head);
    m_write_pending = true;
    asio::async_write(
        m_socket, asio::buffer(m_head),
        beast::bind_front_handler(&ServerSession::on_rejection_written, shared_from_this()));
}

void ServerSession::on_rejection_written(beast::error_code ec, std::size_t /*bytes*/) {
    m_write_pending = false;
    if (m_phase != Phase::rejecting) {
        return;
    }
    if (ec) {
        close();
        return;
    }
    linger();
}

void ServerSession::linger() {
    m_phase = Phase::lingering;
    set_deadline(std::min(m_shared.tick, k_linger_time));
    beast::error_code ignored;
    m_socket.shutdown(Socket::shutdown_send, ignored);
    m_buffer.clear();
    m_discarded_bytes = 0;
    if (!m_read_pending) {
        discard();
    }
}

void ServerSession::discard() {
    m_discarding = true;
    m_read_pending = true;
    m_socket.async_read_some(
        m_buffer.prepare(k_discard_size),
        beast::bind_front_handler(&ServerSession::on_read, shared_from_this()));
}

void ServerSession::continue_linger(beast::error_code ec, std::size_t bytes) {
    if (!m_discarding) {
        discard(); // the completion of a read cancelled before linger() began
        return;
    }
    m_discarded_bytes += bytes;
    if (ec || m_discarded_bytes > k_linger_bytes) {
        close();
        return;
    }
    discard();
}

} // namespace hooks::http::detail

namespace hooks::http {

Responder::Responder(std::shared_ptr<detail::ServerSession> session)
    : m_session(std::move(session)), m_uncaught(std::uncaught_exceptions()) {}

Responder& Responder::operator=(Responder&& other) noexcept {
    if (this != &other) {
        Responder dropped(std::move(*this));
        m_session = std::move(other.m_session);
    }
    return *this;
}

Responder::~Responder() {
    if (m_session) {
        Response response;
        response.status = 500;
        bool is_unwinding = std::uncaught_exceptions() > m_uncaught;
        m_session->answer(std::move(response), is_unwinding ? "" : "no answer given");
    }
}

void Responder::respond(Response response) {
    if (auto session = std::move(m_session)) {
        session->answer(std::move(response), "");
    }
}

} // namespace hooks::http
