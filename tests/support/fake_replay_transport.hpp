// SPDX-License-Identifier: MIT
/// A transport for the replay engine's tests: run_batch() drives the BatchDriver synchronously,
/// one exchange at a time, answers each attempt as scripted, honours retry waits by moving a
/// fake clock, and records every request's bytes.
#pragma once

#include "core/http/transport.hpp"
#include "support/fake_clock.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace hooks::testing {

class FakeReplayTransport final : public http::Transport {
  public:
    /// The result of attempt `attempt` (1-based) of exchange `tag`.
    using Script = std::function<http::AttemptResult(std::uint64_t tag, int attempt)>;

    /// One request that went out.
    struct Sent {
        std::uint64_t tag = 0;
        int attempt = 0;
        std::string bytes;
    };

    /// `clock` is moved on by every retry's wait; without a script every attempt answers 204.
    explicit FakeReplayTransport(FakeClock& clock, Script script = {})
        : m_clock(clock), m_script(std::move(script)) {}

    /// Not used by the replay engine: fails.
    Result<std::unique_ptr<http::Connection>>
    connect(const http::Url& origin, const http::ClientOptions& options) const override;

    /// Until the driver stops or has nothing more: next(), then each attempt of that exchange
    /// (finished(); a retry waits on the fake clock, rebuild() when it asks for it). Returns the
    /// driver's first error at once.
    Result<void> run_batch(const http::Url& origin, http::BatchDriver& driver,
                           const http::BatchOptions& options) const override;

    /// An answer with `status` and a latency of 1 ms.
    static http::AttemptResult answer(int status);
    /// No answer: `failure` (connect, timeout...).
    static http::AttemptResult no_answer(http::Failure failure);

    std::vector<Sent> sent() const;
    /// The tags of the exchanges started, in order.
    std::vector<std::uint64_t> started() const;
    /// Every retry wait asked for, in order.
    std::vector<std::chrono::milliseconds> waits() const;

  private:
    /// One exchange, all its attempts. Fails with the driver's error.
    Result<void> exchange(http::BatchDriver& driver, http::BatchJob job) const;

    FakeClock& m_clock;
    Script m_script;
    mutable std::mutex m_mutex;
    mutable std::vector<Sent> m_sent;
    mutable std::vector<std::uint64_t> m_started;
    mutable std::vector<std::chrono::milliseconds> m_waits;
};

} // namespace hooks::testing
