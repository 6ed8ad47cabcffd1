// SPDX-License-Identifier: MIT
// The threaded batch engine: simple and slow (a thread blocked in cpp-httplib per connection),
// kept for https, where the asynchronous engine does not go.
#include "core/http/batch_threaded.hpp"

#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>

namespace hooks::http {
namespace {

using Clock = std::chrono::steady_clock;

/// An attempt ready to go (or waiting for its time).
struct Pending {
    Clock::time_point due;
    std::uint64_t tag = 0;
    int attempt = 1;
    message::Message request;
};

struct LaterFirst {
    bool operator()(const Pending& a, const Pending& b) const { return a.due > b.due; }
};

/// What the workers share; every member, and every driver call, is under `mutex`.
class Shared {
  public:
    Shared(BatchDriver& driver, const BatchOptions& options)
        : m_driver(driver),
          m_max_open(options.max_open != 0 ? options.max_open
                                           : std::size_t{64} * options.concurrency) {
        if (options.rate > 0) {
            m_interval = std::chrono::duration_cast<Clock::duration>(
                std::chrono::duration<double>(1.0 / options.rate));
        }
    }

    /// The next attempt for a worker, or nothing when the batch is over.
    std::optional<Pending> take() {
        std::unique_lock lock(m_mutex);
        for (;;) {
            if (!m_is_stopped && m_driver.should_stop()) {
                stop();
            }
            auto now = Clock::now();
            if (!m_retries.empty() && m_retries.top().due <= now) {
                Pending pending = m_retries.top();
                m_retries.pop();
                return pending;
            }
            Clock::time_point wake = now + std::chrono::milliseconds(50);
            if (!m_retries.empty()) {
                wake = std::min(wake, m_retries.top().due);
            }
            if (can_start()) {
                if (now >= m_next_start) {
                    if (auto job = start(now)) {
                        return job;
                    }
                    continue;
                }
                wake = std::min(wake, m_next_start);
            } else if (m_open == 0 && (m_is_exhausted || m_is_stopped)) {
                m_changed.notify_all();
                return std::nullopt;
            }
            m_changed.wait_until(lock, wake);
        }
    }

    /// Reports an attempt's result to the driver; queues its retry, if any.
    void finish(Pending& pending, const AttemptResult& result) {
        std::lock_guard lock(m_mutex);
        auto retry = m_driver.finished(pending.tag, pending.attempt, result);
        if (!retry) {
            fail(retry.error());
        } else if (*retry && !m_is_stopped) {
            pending.due = Clock::now() + (*retry)->wait;
            pending.request = std::move((*retry)->request);
            ++pending.attempt;
            m_retries.push(std::move(pending));
        } else {
            --m_open;
        }
        m_changed.notify_all();
    }

    void fail(const Error& error) {
        if (!m_error) {
            m_error = error;
        }
        stop();
    }

    void fail_locked(const Error& error) {
        std::lock_guard lock(m_mutex);
        fail(error);
        m_changed.notify_all();
    }

    Result<void> outcome() const {
        if (m_error) {
            return tl::unexpected(*m_error);
        }
        return {};
    }

  private:
    bool can_start() const { return !m_is_exhausted && !m_is_stopped && m_open < m_max_open; }

    std::optional<Pending> start(Clock::time_point now) {
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

    /// No new exchanges, no further attempts: retries waiting are dropped.
    void stop() {
        m_is_stopped = true;
        m_open -= m_retries.size();
        m_retries = {};
    }

    BatchDriver& m_driver;
    std::size_t m_max_open;
    Clock::duration m_interval = Clock::duration::zero();
    Clock::time_point m_next_start = Clock::now();
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::priority_queue<Pending, std::vector<Pending>, LaterFirst> m_retries;
    std::size_t m_open = 0;
    bool m_is_exhausted = false;
    bool m_is_stopped = false;
    std::optional<Error> m_error;
};

void work(const Url& origin, const ClientOptions& options, Shared& shared) {
    auto client = Client::create(origin, options);
    if (!client) {
        shared.fail_locked(client.error());
        return;
    }
    while (auto pending = shared.take()) {
        AttemptResult result = (*client)->send(pending->request);
        shared.finish(*pending, result);
    }
}

} // namespace

Result<void> run_batch_threaded(const Url& origin, BatchDriver& driver,
                                const BatchOptions& options) {
    Shared shared(driver, options);
    {
        std::vector<std::jthread> threads;
        threads.reserve(std::max(options.concurrency, 1U));
        for (unsigned i = 0; i < std::max(options.concurrency, 1U); ++i) {
            threads.emplace_back([&] { work(origin, options.client, shared); });
        }
    }
    return shared.outcome();
}

} // namespace hooks::http
