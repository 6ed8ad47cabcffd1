// SPDX-License-Identifier: MIT
#include "core/listen/listener.hpp"

#include <algorithm>
#include <thread>
#include <vector>

namespace hooks::listen {
namespace {

/// A delivery waiting for the log write of its I/O thread's turn, and its sender waiting for
/// the answer.
struct Pending {
    http::Response response;
    Receipt receipt;
    http::Responder responder;
};

/// What one I/O thread put aside during the current turn of its event loop.
struct PendingTurn {
    log::Batch batch;
    std::vector<Pending> deliveries;
};

PendingTurn& this_thread_turn() {
    thread_local PendingTurn turn;
    return turn;
}

} // namespace

Listener::Listener(ReceiverConfig config, Observer& observer)
    : m_log(config.log), m_is_forwarding(config.forward_to || !config.routes.empty()),
      m_receiver(std::move(config)), m_observer(observer), m_wants_places(observer.wants_places()) {
}

Listener::~Listener() = default;

Result<void> Listener::bind(http::ServerOptions options) {
    if (m_is_forwarding) {
        options.blocking_threads = std::max(options.blocking_threads, 32U);
    }
    auto on_rejection = [this](const http::Rejection& rejection) {
        m_observer.on_rejection(rejection);
    };
    auto bound =
        m_log != nullptr && !m_is_forwarding
            ? http::Server::bind(options,
                                 http::AsyncHandler{[this](http::IncomingRequest& request,
                                                           http::Responder responder) {
                                                        handle_later(request, std::move(responder));
                                                    },
                                                    [this] { finish_turn(); }},
                                 on_rejection)
            : http::Server::bind(
                  options, [this](http::IncomingRequest& request) { return handle(request); },
                  on_rejection);
    if (!bound) {
        return tl::unexpected(bound.error());
    }
    m_server = std::move(*bound);
    return {};
}

const std::string& Listener::host() const {
    return m_server->host();
}

std::uint16_t Listener::port() const {
    return m_server->port();
}

http::Response Listener::handle(http::IncomingRequest& request) {
    auto [response, receipt] = m_receiver.handle(request);
    conclude(receipt);
    return response;
}

void Listener::handle_later(http::IncomingRequest& request, http::Responder responder) {
    auto [response, receipt] = m_receiver.prepare(request);
    PendingTurn& turn = this_thread_turn();
    turn.batch.ask_place(m_wants_places);
    turn.batch.add(receipt.record);
    turn.deliveries.push_back({std::move(response), std::move(receipt), std::move(responder)});
}

void Listener::finish_turn() {
    PendingTurn& turn = this_thread_turn();
    if (turn.deliveries.empty()) {
        return;
    }
    log::BatchResult result = m_log->append_batch(turn.batch);
    std::optional<std::uint64_t> offset = result.first_offset;
    for (std::size_t i = 0; i < turn.deliveries.size(); ++i) {
        Pending& pending = turn.deliveries[i];
        bool is_written = i < result.written;
        log::Logged logged;
        if (is_written) {
            pending.receipt.record.seq = result.first_seq + i;
            logged.line = turn.batch.line(i);
            if (offset) {
                logged.place = {*offset, turn.batch.written_size(i, pending.receipt.record.seq)};
                logged.sink = m_log;
                *offset += logged.place->size;
            }
        }
        settle_log(pending.response, pending.receipt, is_written ? nullptr : &*result.error);
        conclude(pending.receipt, logged);
        pending.responder.respond(std::move(pending.response));
    }
    turn.batch.clear();
    turn.deliveries.clear();
}

Outcome Listener::run(const StopWhen& when) {
    m_count = when.count;
    std::thread watchdog;
    if (when.after || when.should_stop) {
        watchdog = std::thread([this, &when] { watch(when); });
    }
    m_server->run();
    finish(true);
    if (watchdog.joinable()) {
        watchdog.join();
    }
    Outcome outcome;
    std::lock_guard lock(m_mutex);
    outcome.deliveries = m_deliveries.load();
    outcome.invalid = m_invalid.load();
    outcome.has_timed_out = m_has_timed_out;
    outcome.was_told_to_stop = m_was_told_to_stop;
    return outcome;
}

/// Stops the server at the deadline or when told to, whichever comes first, unless serving
/// ended before.
void Listener::watch(const StopWhen& when) {
    constexpr std::chrono::milliseconds k_poll{50};
    auto deadline = std::chrono::steady_clock::now() + when.after.value_or(k_poll);
    std::unique_lock lock(m_mutex);
    while (!m_is_finished) {
        auto now = std::chrono::steady_clock::now();
        if (when.after && now >= deadline) {
            m_has_timed_out = true;
        } else if (when.should_stop && when.should_stop()) {
            m_was_told_to_stop = true;
        } else {
            auto poll = now + k_poll;
            auto wake = !when.after ? poll : when.should_stop ? std::min(poll, deadline) : deadline;
            m_changed.wait_until(lock, wake);
            continue;
        }
        m_is_finished = true;
        m_server->stop();
    }
}

void Listener::stop() {
    m_server->stop();
}

/// Reports the delivery, hands it to the observer to keep, counts it, and stops the server at
/// the count.
void Listener::conclude(Receipt& receipt, const log::Logged& logged) {
    m_observer.on_delivery(receipt);
    bool is_invalid = receipt.record.verify && !receipt.record.verify->ok;
    m_observer.keep(std::move(receipt), logged);
    // Counted without a lock: this runs for every delivery on every I/O thread.
    std::uint64_t delivered = ++m_deliveries;
    if (is_invalid) {
        ++m_invalid;
    }
    if (m_count && delivered == *m_count) {
        finish(false);
    }
}

void Listener::finish(bool has_stopped) {
    std::lock_guard lock(m_mutex);
    if (!m_is_finished || has_stopped) {
        m_is_finished = true;
        m_changed.notify_all();
        if (!has_stopped) {
            m_server->stop();
        }
    }
}

} // namespace hooks::listen
