// SPDX-License-Identifier: MIT
/// A clock that moves only when the code under test waits (or the test advances it), so that
/// retries, tolerance windows and rates are tested without sleeping.
#pragma once

#include "core/time/clock.hpp"

#include <mutex>
#include <vector>

namespace hooks::testing {

class FakeClock final : public time::Clock {
  public:
    explicit FakeClock(
        std::chrono::system_clock::time_point start =
            std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)))
        : m_wall(start) {}

    std::chrono::system_clock::time_point now() const override {
        std::lock_guard lock(m_mutex);
        return m_wall;
    }
    std::chrono::steady_clock::time_point monotonic() const override {
        std::lock_guard lock(m_mutex);
        return std::chrono::steady_clock::time_point(m_elapsed);
    }
    /// Moves time on by `duration` at once; a `should_stop` already true waits nothing.
    bool sleep(std::chrono::milliseconds duration,
               const std::function<bool()>& should_stop) const override {
        if (should_stop && should_stop()) {
            return false;
        }
        std::lock_guard lock(m_mutex);
        m_sleeps.push_back(duration);
        m_wall += duration;
        m_elapsed += duration;
        return true;
    }

    void advance(std::chrono::milliseconds duration) {
        std::lock_guard lock(m_mutex);
        m_wall += duration;
        m_elapsed += duration;
    }
    /// Every wait asked of sleep(), in order.
    std::vector<std::chrono::milliseconds> sleeps() const {
        std::lock_guard lock(m_mutex);
        return m_sleeps;
    }

  private:
    mutable std::mutex m_mutex;
    mutable std::chrono::system_clock::time_point m_wall;
    mutable std::chrono::steady_clock::duration m_elapsed{0};
    mutable std::vector<std::chrono::milliseconds> m_sleeps;
};

} // namespace hooks::testing
