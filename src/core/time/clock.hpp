// SPDX-License-Identifier: MIT
/// Time as the engines see it, passed in rather than read from globals: the process's clock in
/// the binary, a clock pinned by HOOKS_NOW for reproducible examples, a fake one in tests that
/// moves only when the code under test waits.
#pragma once

#include <chrono>
#include <functional>

namespace hooks::time {

/// Wall time for what is signed and recorded, monotonic time for what is measured, and the
/// waits between attempts. Implementations are thread-safe.
class Clock {
  public:
    Clock() = default;
    Clock(const Clock&) = delete;
    Clock& operator=(const Clock&) = delete;
    virtual ~Clock() = default;

    /// Wall time: signed timestamps, received_at, Retry-After dates, tolerance windows.
    virtual std::chrono::system_clock::time_point now() const = 0;

    /// Monotonic time: elapsed durations and rates.
    virtual std::chrono::steady_clock::time_point monotonic() const = 0;

    /// Waits `duration`, or less when `should_stop` (may be empty; polled at least every 50 ms)
    /// turns true. Returns whether the whole wait passed.
    virtual bool sleep(std::chrono::milliseconds duration,
                       const std::function<bool()>& should_stop) const = 0;
};

/// The process's clocks and real sleeping.
const Clock& system_clock();

/// Wall time stands still at `pinned` (HOOKS_NOW); monotonic time and waits are the process's.
class PinnedClock final : public Clock {
  public:
    explicit PinnedClock(std::chrono::system_clock::time_point pinned) : m_pinned(pinned) {}
    std::chrono::system_clock::time_point now() const override { return m_pinned; }
    std::chrono::steady_clock::time_point monotonic() const override;
    bool sleep(std::chrono::milliseconds duration,
               const std::function<bool()>& should_stop) const override;

  private:
    std::chrono::system_clock::time_point m_pinned;
};

/// `clock.now()` in milliseconds since the UNIX epoch, as signatures carry it.
std::chrono::milliseconds unix_millis(const Clock& clock);

} // namespace hooks::time
