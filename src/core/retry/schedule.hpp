// SPDX-License-Identifier: MIT
/// Retry schedules (the providers' documented ones, or the user's) and the retry decision for
/// one attempt's outcome, shared by `send` and `replay`.
#pragma once

#include "core/error.hpp"
#include "core/message/message.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
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
    /// A preset's source: the provider documentation it follows. Empty for a custom schedule.
    std::string source;
};

/// The most items parse_schedule() accepts.
inline constexpr std::size_t k_max_schedule_items = 100;

/// The longest wait a Retry-After header can impose; longer values are cut to this.
inline constexpr std::chrono::milliseconds k_max_retry_after{3'600'000};

/// A provider's documented schedule, from a table in schedule.cpp that cites each source
/// (CodeNx: 0, 1s, 5s, 30s, 5m, 30m; Centrali: 1s, 5s, 15s; Fluxbase: 3 retries 5s apart, 30s
/// timeout; CognexiaAI: 1s, 2s, 4s with a 5s budget; Standard Webhooks/Svix: 5s, 5m, 30m, 2h, 5h,
/// 10h, 10h; Stripe, GitHub, Shopify, Slack, Paddle, Twilio, Square, Zoom, Linear, Twitch,
/// Intercom, Mailgun, SendGrid, HubSpot (v1, v2, v3), Typeform, Discord, GitLab, Bitbucket,
/// Coinbase Commerce, Razorpay, Calendly, Dropbox, Mux, PagerDuty, Vercel, Segment, Sentry and
/// Postmark as documented or, where only a shape is documented, a representative schedule of that
/// shape). `none` has no retries.
/// Any other name, including a provider without a documented schedule, gets `default`
/// (1s, 5s, 30s; 30s timeout), whose `name` is "default". Jitter is 0 in every preset.
Schedule preset(std::string_view provider);

/// The waits `schedule` still has after the one before attempt `attempt + 1`, that is the waits
/// before attempts `attempt + 2`, `attempt + 3`, ..., each multiplied by `scale` and capped as
/// decide() caps them (jitter left out): what a provider would still do after a sender stopped.
std::vector<std::chrono::milliseconds> waits_after(const Schedule& schedule, int attempt,
                                                   double scale = 1.0);

/// The names preset() knows (providers, `default` and `none`), for --help and completion.
std::vector<std::string> preset_names();

/// A comma-separated list of durations, the delays before retries 1, 2, 3... ("0,1s,5s"; each
/// item as text::parse_duration() reads it, blanks around items ignored; `name` "custom",
/// timeout 30s), or a preset name. "none" means no retries; "0" is a list of one item: a single
/// immediate retry. At most k_max_schedule_items items. Fails with one line naming the bad item
/// (usage error).
Result<Schedule> parse_schedule(std::string_view text);

/// What one attempt produced.
struct Outcome {
    std::optional<int> status;            ///< empty: no response (connect/timeout/read error)
    std::vector<message::Header> headers; ///< of the response
    bool is_timeout = false;              ///< no response within the timeout (status empty)
};

/// What to do after an attempt.
enum class Verdict {
    success, ///< 2xx
    retry,   ///< try again after `wait`
    stop,    ///< give up now (410 Gone, or schedule exhausted)
};

/// The verdict on one attempt, the wait before the next one, and why.
struct Decision {
    Verdict verdict = Verdict::retry;
    std::chrono::milliseconds wait{0}; ///< scaled; 0 unless the verdict is retry
    /// One line naming the status and the wait: "503, Retry-After 2s, retry 1 of 3 in 2s",
    /// "410 Gone: the endpoint asks to stop", "500, giving up: schedule codenx exhausted after 7
    /// attempts".
    std::string reason;
};

/// The decision after attempt number `attempt` (1-based), whose retry would wait
/// `delays[attempt - 1]`: 2xx succeeds; 410 stops at once; once the schedule has no delay left,
/// everything else stops. Otherwise: 3xx fails (redirects are not followed) and is retried;
/// 429 and 503 wait for Retry-After (parse_retry_after()) when it is longer than the schedule's
/// delay; other statuses and no response are retried after the delay. With `schedule.jitter`
/// > 0 the schedule's delay is spread uniformly by +-jitter (at most 1). `scale` multiplies
/// every wait (--time-scale, for tests); waits are capped at 30 days. The reason names the
/// status (or the timeout) and the wait. Throws std::invalid_argument when `attempt` < 1 or
/// `scale` is negative or not finite (a programming error).
Decision decide(const Schedule& schedule, int attempt, const Outcome& outcome, double scale = 1.0,
                std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

/// Retry-After as delay-seconds ("120") or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT",
/// read relative to `now`, rounded up to a millisecond; a date in the past gives 0), blanks
/// around it ignored, capped at k_max_retry_after. Nothing when malformed (negative, fractional,
/// the obsolete RFC 850 and asctime date forms, an impossible date).
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now);

} // namespace hooks::retry
