// SPDX-License-Identifier: MIT
#include "core/time/clock.hpp"

#include <algorithm>
#include <thread>

namespace hooks::time {
namespace {

bool sleep_unless_stopped(std::chrono::milliseconds duration,
                          const std::function<bool()>& should_stop) {
    auto until = std::chrono::steady_clock::now() + duration;
    while (!should_stop || !should_stop()) {
        auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) {
            return true;
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
    }
    return false;
}

class SystemClock final : public Clock {
  public:
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::now();
    }
    std::chrono::steady_clock::time_point monotonic() const override {
        return std::chrono::steady_clock::now();
    }
    bool sleep(std::chrono::milliseconds duration,
               const std::function<bool()>& should_stop) const override {
        return sleep_unless_stopped(duration, should_stop);
    }
};

} // namespace

const Clock& system_clock() {
    static const SystemClock clock;
    return clock;
}

std::chrono::steady_clock::time_point PinnedClock::monotonic() const {
    return std::chrono::steady_clock::now();
}

bool PinnedClock::sleep(std::chrono::milliseconds duration,
                        const std::function<bool()>& should_stop) const {
    return sleep_unless_stopped(duration, should_stop);
}

std::chrono::milliseconds unix_millis(const Clock& clock) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch());
}

} // namespace hooks::time
