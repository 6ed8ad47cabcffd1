// SPDX-License-Identifier: MIT
#include "cli/listen_run.hpp"

#include <ostream>
#include <thread>

namespace hooks::cli {
namespace {

Result<int> finish(const ListenOptions& options, Progress& progress, http::StopReason reason) {
    if (reason == http::StopReason::interrupt) {
        return 130;
    }
    std::lock_guard lock(progress.mutex);
    if (progress.has_timed_out) {
        return fail(ErrorKind::negative, "timed out after " + options.timeout + ": " +
                                             std::to_string(progress.deliveries.load()) + " of " +
                                             std::to_string(options.count.value_or(0)) +
                                             " deliveries arrived");
    }
    if (options.requires_valid && progress.invalid > 0) {
        return fail(ErrorKind::negative, std::to_string(progress.invalid.load()) + " of " +
                                             std::to_string(progress.deliveries.load()) +
                                             " deliveries failed verification");
    }
    return 0;
}

/// A delivery waiting for the log write of its I/O thread's turn, and its sender waiting for
/// the answer.
struct Pending {
    http::Response response;
    Delivery delivery;
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

Listening::Listening(const ListenOptions& options, Context& context, ReceiverConfig config)
    : m_options(options), m_context(context), m_log(config.log),
      m_receiver(std::move(config)), m_style{should_color(options.output, context),
                                             options.shows_headers} {}

http::Response Listening::handle(http::IncomingRequest& request) {
    auto [response, delivery] = m_receiver.handle(request);
    conclude(delivery);
    return response;
}

void Listening::handle_later(http::IncomingRequest& request, http::Responder responder) {
    auto [response, delivery] = m_receiver.prepare(request);
    PendingTurn& turn = this_thread_turn();
    turn.batch.add(delivery.record);
    turn.deliveries.push_back({std::move(response), std::move(delivery), std::move(responder)});
}

void Listening::finish_turn() {
    PendingTurn& turn = this_thread_turn();
    if (turn.deliveries.empty()) {
        return;
    }
    log::BatchResult result = m_log->append_batch(turn.batch);
    for (std::size_t i = 0; i < turn.deliveries.size(); ++i) {
        Pending& pending = turn.deliveries[i];
        bool is_written = i < result.written;
        if (is_written) {
            pending.delivery.record.seq = result.first_seq + i;
        }
        settle_log(pending.response, pending.delivery, is_written ? nullptr : &*result.error);
        conclude(pending.delivery);
        pending.responder.respond(std::move(pending.response));
    }
    turn.batch.clear();
    turn.deliveries.clear();
}

void Listening::reject(const http::Rejection& rejection) {
    if (m_options.is_quiet) {
        return;
    }
    std::lock_guard lock(m_output_mutex);
    m_context.err << "hooks: rejected a request from " << rejection.remote;
    if (rejection.status != 0) {
        m_context.err << " with " << rejection.status;
    }
    m_context.err << ": " << rejection.reason << '\n' << std::flush;
}

Result<int> Listening::serve(http::Server& server,
                             std::optional<std::chrono::milliseconds> timeout) {
    m_server = &server;
    std::thread watchdog;
    if (timeout) {
        watchdog = std::thread([this, timeout] {
            std::unique_lock lock(m_progress.mutex);
            if (!m_progress.changed.wait_for(lock, *timeout,
                                             [this] { return m_progress.is_finished; })) {
                m_progress.is_finished = true;
                m_progress.has_timed_out = true;
                m_server->stop();
            }
        });
    }
    http::StopReason reason = server.run();
    finish_early(true);
    if (watchdog.joinable()) {
        watchdog.join();
    }
    m_context.out << std::flush;
    return finish(m_options, m_progress, reason);
}

/// Shows the delivery, counts it, and stops the server at --count.
void Listening::conclude(const Delivery& delivery) {
    bool is_invalid = delivery.record.verify && !delivery.record.verify->ok;
    if (!m_options.is_quiet) {
        std::lock_guard lock(m_output_mutex);
        m_options.output.is_json ? print_delivery_json(delivery, m_context.out)
                                 : print_delivery_text(delivery, m_style, m_context.out);
    }
    // Counted without a lock: this runs for every delivery on every I/O thread.
    std::uint64_t delivered = ++m_progress.deliveries;
    if (is_invalid) {
        ++m_progress.invalid;
    }
    if (m_options.count && delivered == *m_options.count) {
        finish_early(false);
    }
}

void Listening::finish_early(bool has_stopped) {
    std::lock_guard lock(m_progress.mutex);
    if (!m_progress.is_finished || has_stopped) {
        m_progress.is_finished = true;
        m_progress.changed.notify_all();
        if (!has_stopped) {
            m_server->stop();
        }
    }
}

} // namespace hooks::cli
