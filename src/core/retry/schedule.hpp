// SPDX-License-Identifier: MIT
/// Retry schedules (the providers' documented ones, or the user's) and the retry decision for
/// one attempt's outcome, shared by `send` and `replay`.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::retry {

/// When to try again: `delays[i]` is the wait before attempt i+2 (attempt 1 is immediate).
struct Schedule {
    std::string name; ///< "codenx", "custom"
    std::vector<std::chrono::milliseconds> delays;
    std::chrono::milliseconds timeout{30'000}; ///< per-attempt response budget
    /// Random spread applied to each delay, as a fraction (0.1 = +-10%); 0 for none.
    double jitter = 0;
};

/// A provider's documented schedule (CodeNx: 0, 1s, 5s, 30s, 5m, 30m; Centrali: 1s, 5s, 15s;
/// Fluxbase: 3 retries 5s apart, 30s timeout; CognexiaAI: 3 retries with exponential backoff,
/// 5s budget; Standard Webhooks/Svix: 5s, 5m, 30m, 2h, 5h, 10h, 10h; Stripe, GitHub, ... as
/// documented). Unknown providers get a conservative default.
Schedule preset(std::string_view provider);

/// The names preset() knows, for --help and completion.
std::vector<std::string> preset_names();

/// "0,1s,5s" (delays before retries 1, 2, 3), "none" or "0" for no retries, or a preset name.
/// Fails with one line (usage error).
Result<Schedule> parse_schedule(std::string_view text);

/// What one attempt produced.
struct Outcome {
    std::optional<int> status;            ///< empty: no response (connect/timeout/read error)
    std::vector<message::Header> headers; ///< of the response
    bool is_timeout = false;
};

enum class Verdict {
    success, ///< 2xx
    retry,   ///< try again after `wait`
    stop,    ///< give up now (410 Gone, or schedule exhausted)
};

struct Decision {
    Verdict verdict = Verdict::retry;
    std::chrono::milliseconds wait{0};
    std::string reason; ///< one line: "503, Retry-After 2s", "410 Gone: the endpoint asks to stop"
};

/// The decision after attempt number `attempt` (1-based): 2xx succeeds; 410 stops; 3xx fails
/// (redirects are not followed) and is retried; 429 and 503 wait for Retry-After (seconds or an
/// HTTP date, capped at one hour) when it is longer than the schedule's delay; other statuses
/// and no response are retried while the schedule has delays. `scale` multiplies every wait
/// (--time-scale, for tests).
Decision decide(const Schedule& schedule, int attempt, const Outcome& outcome, double scale = 1.0,
                std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

/// Retry-After as seconds or an IMF-fixdate; nothing when malformed.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

} // namespace hooks::retry
