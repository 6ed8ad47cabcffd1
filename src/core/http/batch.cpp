// SPDX-License-Identifier: MIT
// The batch engine for `send --count` and `replay`: one Asio event loop on the calling thread
// driving `concurrency` keep-alive connections (batch_connection.cpp: TCP or TLS, Beast's parser
// reading the responses). This file is the scheduler. A single request (Client, client.cpp) runs
// on the same connection, so every outgoing request is written the same way.
//
// Why an event loop rather than a thread per connection, measured with bench/send (2 cores,
// nginx answering 204): a thread per connection blocked in a synchronous client cost 28.5 us of
// CPU per delivery against wrk's 5.2 us and reached 0.29 of wrk's rate (target 0.50), most of it
// in the client (64 threads on 2 cores, ~11 system calls per delivery). On this engine, with the
// callers building each request's wire bytes on a thread of their own, `send --count` spends
// about 11 us per delivery and reaches 0.65 of wrk, `replay` 13 us and 0.67 (bench/send,
// bench/replay).
#include "core/http/batch.hpp"

#include "core/http/batch_connection.hpp"

// GCC 12 at -O2 reports a -Wnull-dereference inside Asio's scheduler once inlined (a thread-info
// pointer it cannot prove non-null); the warning stays on for our own code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#pragma GCC diagnostic pop
#include <algorithm>
#include <memory>
#include <vector>

namespace hooks::http {
namespace {

namespace asio = boost::asio;
using Clock = BatchClock;
using ErrorCode = boost::system::error_code;

/// How often should_stop() is polled and deadlines are checked: timeouts fire up to this late.
/// One sweep over the connections replaces a timer armed and cancelled for every request.
constexpr std::chrono::milliseconds k_poll_interval{50};

/// The scheduler: hands attempts to idle connections (due retries first, then new exchanges
/// within max_open and the rate), and talks to the driver.
class Engine final : public BatchConnectionOwner {
  public:
    Engine(const Url& origin, BatchDriver& driver, const BatchOptions& options)
        : m_driver(driver), m_options(options), m_origin(origin), m_wake(m_io),
          m_max_open(options.max_open != 0 ? options.max_open
                                           : std::size_t{64} * std::max(options.concurrency, 1U)) {
        if (options.rate > 0) {
            m_interval = std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(1.0 / options.rate));
        }
    }

    Result<void> run() {
        m_connections = make_batch_connections(m_io, m_origin, m_options.client, *this,
                                               std::max(m_options.concurrency, 1U));
        for (auto& connection : m_connections) {
            m_idle.push_back(connection.get());
        }
        asio::post(m_io, [this] { dispatch(); });
        m_io.run();
        if (m_error) {
            return tl::unexpected(*m_error);
        }
        return {};
    }

    /// An attempt is over: the driver judges it, and `connection` is free again.
    void finished(BatchConnection& connection, BatchAttempt& attempt,
                  const AttemptResult& result) override;

  private:
    /// The driver judges `attempt`'s result: a retry waits in m_retries, or the exchange ends.
    void settle(BatchAttempt& attempt, const AttemptResult& result);
    void dispatch();
    std::optional<BatchAttempt> take(Clock::time_point now);
    std::optional<BatchAttempt> start_exchange(Clock::time_point now);
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
    const Url& m_origin;
    asio::io_context m_io{1};
    asio::steady_timer m_wake;
    Clock::time_point m_wake_time;
    bool m_is_wake_armed = false;
    std::vector<std::unique_ptr<BatchConnection>> m_connections;
    std::vector<BatchConnection*> m_idle;
    std::vector<BatchAttempt> m_retries; ///< a heap, earliest due first
    std::size_t m_max_open;
    std::size_t m_open = 0;
    Clock::duration m_interval = Clock::duration::zero();
    Clock::time_point m_next_start = Clock::now();
    bool m_is_exhausted = false;
    bool m_is_stopped = false;
    bool m_is_done = false;
    std::optional<Error> m_error;
};

bool later_first(const BatchAttempt& a, const BatchAttempt& b) {
    return a.due > b.due;
}

void Engine::finished(BatchConnection& connection, BatchAttempt& pending,
                      const AttemptResult& result) {
    settle(pending, result);
    m_idle.push_back(&connection);
    dispatch();
}

void Engine::settle(BatchAttempt& pending, const AttemptResult& result) {
    auto retry = m_driver.finished(pending.tag, pending.attempt, result);
    if (!retry) {
        --m_open;
        m_driver.recycle(std::move(pending.request));
        fail(retry.error());
    } else if (*retry && !m_is_stopped) {
        pending.due = Clock::now() + (*retry)->wait;
        pending.is_rebuilt = (*retry)->is_rebuilt;
        ++pending.attempt;
        m_retries.push_back(std::move(pending));
        std::push_heap(m_retries.begin(), m_retries.end(), later_first);
    } else {
        --m_open;
        m_driver.recycle(std::move(pending.request));
    }
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
        if (pending->is_rebuilt) {
            auto request = m_driver.rebuild(pending->tag, pending->attempt);
            if (!request) {
                settle(*pending,
                       tl::unexpected(ClientError{Failure::other, request.error().message}));
                continue;
            }
            m_driver.recycle(std::move(pending->request));
            pending->request = std::move(*request);
        }
        BatchConnection* connection = m_idle.back();
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

std::optional<BatchAttempt> Engine::take(Clock::time_point now) {
    if (!m_retries.empty() && m_retries.front().due <= now) {
        std::pop_heap(m_retries.begin(), m_retries.end(), later_first);
        BatchAttempt pending = std::move(m_retries.back());
        m_retries.pop_back();
        return pending;
    }
    if (!can_start() || now < m_next_start) {
        return std::nullopt;
    }
    return start_exchange(now);
}

std::optional<BatchAttempt> Engine::start_exchange(Clock::time_point now) {
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
    return BatchAttempt{now, (*job)->tag, 1, std::move((*job)->request), false};
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

} // namespace

Result<void> run_batch(const Url& origin, BatchDriver& driver, const BatchOptions& options) {
    Engine engine(origin, driver, options);
    return engine.run();
}

} // namespace hooks::http
