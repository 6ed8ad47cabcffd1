// SPDX-License-Identifier: MIT
/// A transport that answers at once from a script and records what it was asked to send, so
/// that engines are tested without sockets: connections answer send() from a queue of results;
/// run_batch() drives the BatchDriver on the caller's thread, one exchange at a time, waiting a
/// retry on a FakeClock.
#pragma once

#include "core/http/transport.hpp"
#include "support/fake_clock.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace hooks::testing {

/// A response with `status`, taking `latency`.
http::AttemptResult respond(int status, std::vector<message::Header> headers = {},
                            std::string body = {},
                            std::chrono::microseconds latency = std::chrono::microseconds(1000));

/// No response, for `failure` (connect, timeout, ...), with a one-line message.
http::AttemptResult fail_with(http::Failure failure, std::string message);

class FakeTransport final : public http::Transport {
  public:
    /// An attempt of a batch as it went: exchange, attempt number (1-based), bytes.
    struct BatchAttempt {
        std::uint64_t tag = 0;
        int attempt = 1;
        std::string bytes;
    };

    /// `clock`, when given, is where run_batch() waits before a retry (its sleep(), interrupted
    /// by the driver's should_stop(), so that clock.sleeps() lists the waits); without it the
    /// waits are only recorded.
    explicit FakeTransport(const FakeClock* clock = nullptr);

    /// Queues the answer to the next attempt (connections and batches draw from one queue).
    void push(http::AttemptResult result);
    /// The answer once the queue is empty; at first 200 with no body.
    void set_default(http::AttemptResult result);
    /// Makes connect() fail with `error`.
    void fail_connect(Error error);
    /// Called after each attempt is answered, with the number of attempts so far (to act in the
    /// middle of a run: ask it to stop, move the clock).
    void on_answer(std::function<void(std::size_t)> hook);

    /// The options connect() was called with, in order.
    std::vector<http::ClientOptions> connects() const;
    /// The requests sent over connections, in order.
    std::vector<message::Message> sent() const;
    /// The options run_batch() was called with, in order.
    std::vector<http::BatchOptions> batches() const;
    /// The attempts of batches, in the order they went.
    std::vector<BatchAttempt> batch_attempts() const;
    /// The waits that batches' retries asked for (BatchRetry::wait), in order.
    std::vector<std::chrono::milliseconds> batch_waits() const;

    Result<std::unique_ptr<http::Connection>>
    connect(const http::Url& origin, const http::ClientOptions& options) const override;

    /// One exchange at a time, until next() has none or should_stop() (polled before each new
    /// exchange and each retry, and during a retry's wait) is true. As the network's engine: a
    /// stop drops the retries waiting without telling finished(); a failed rebuild() is an
    /// attempt that failed with Failure::other; each request is recycle()d once done with.
    Result<void> run_batch(const http::Url& origin, http::BatchDriver& driver,
                           const http::BatchOptions& options) const override;

    struct State; ///< shared with the connections

  private:
    http::AttemptResult answer_batch(std::uint64_t tag, int attempt,
                                     const http::WireRequest& request) const;
    Result<void> run_exchange(http::BatchDriver& driver, http::BatchJob job) const;

    const FakeClock* m_clock;
    std::shared_ptr<State> m_state;
};

} // namespace hooks::testing
