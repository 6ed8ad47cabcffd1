// SPDX-License-Identifier: MIT
// Retry schedules and Retry-After. A schedule that parses has at most 100 delays of 0 to 30 days
// and, written back as milliseconds, parses to the same delays; a preset name gives the preset.
// Retry-After is nothing or 0 to 1 hour, a run of digits always parses, and a date's wait is over
// once that much time has passed. decide() on the input as a response's Retry-After and
// Location gives a one-line reason and a wait within the schedule's bounds.
#include "core/retry/schedule.hpp"
#include "fuzz_target.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using std::chrono::milliseconds;

constexpr std::int64_t k_max_wait_millis = 30LL * 24 * 3600 * 1000;
// Wed, 21 Oct 2015 07:28:00 GMT and a bit, so that rounding to milliseconds is exercised.
const std::chrono::system_clock::time_point k_now =
    std::chrono::system_clock::time_point(std::chrono::seconds(1'445'412'480)) +
    std::chrono::microseconds(250'500);

bool is_one_line(const std::string& text) {
    return !text.empty() && text.find_first_of("\r\n") == std::string::npos;
}

std::string_view trimmed(std::string_view text) {
    std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

void check_schedule(std::string_view text) {
    auto parsed = hooks::retry::parse_schedule(text);
    if (!parsed) {
        HOOKS_FUZZ_CHECK(parsed.error().kind == hooks::ErrorKind::usage);
        HOOKS_FUZZ_CHECK(is_one_line(parsed.error().message));
        return;
    }
    HOOKS_FUZZ_CHECK(parsed->delays.size() <= hooks::retry::k_max_schedule_items);
    for (milliseconds delay : parsed->delays) {
        HOOKS_FUZZ_CHECK(delay.count() >= 0 && delay.count() <= k_max_wait_millis);
    }
    if (parsed->name != "custom") {
        HOOKS_FUZZ_CHECK(parsed->delays == hooks::retry::preset(parsed->name).delays);
        return;
    }
    std::string written;
    for (milliseconds delay : parsed->delays) {
        written += (written.empty() ? "" : ",") + std::to_string(delay.count()) + "ms";
    }
    auto again = hooks::retry::parse_schedule(written);
    HOOKS_FUZZ_CHECK(again.has_value() && again->delays == parsed->delays);
}

void check_retry_after(std::string_view text) {
    auto wait = hooks::retry::parse_retry_after(text, k_now);
    std::string_view value = trimmed(text);
    bool is_digits = !value.empty() && std::all_of(value.begin(), value.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
    if (is_digits) {
        HOOKS_FUZZ_CHECK(wait.has_value());
    }
    if (!wait) {
        return;
    }
    HOOKS_FUZZ_CHECK(*wait >= milliseconds(0) && *wait <= hooks::retry::k_max_retry_after);
    if (!is_digits && *wait < hooks::retry::k_max_retry_after) {
        HOOKS_FUZZ_CHECK(hooks::retry::parse_retry_after(text, k_now + *wait) == milliseconds(0));
    }
}

// The first bytes pick the status, the attempt, the jitter and the scale.
void check_decide(const uint8_t* data, size_t size, std::string_view text) {
    if (size < 4) {
        return;
    }
    int status = 100 + (data[0] << 8 | data[1]) % 500;
    int attempt = 1 + data[2] % 8;
    double jitter = (data[3] % 3) * 0.5;
    double scale = (data[3] & 0x80) != 0 ? 0.001 : 1.0;
    auto parsed = hooks::retry::parse_schedule(text);
    hooks::retry::Schedule schedule = parsed ? *parsed : hooks::retry::preset("codenx");
    schedule.jitter = jitter;
    hooks::retry::Outcome outcome;
    outcome.status = status;
    outcome.headers = {{"Retry-After", std::string(text)}, {"Location", std::string(text)}};
    hooks::retry::Decision decision =
        hooks::retry::decide(schedule, attempt, outcome, scale, k_now);
    HOOKS_FUZZ_CHECK(is_one_line(decision.reason));
    HOOKS_FUZZ_CHECK(decision.reason.find(std::to_string(status)) == 0);
    HOOKS_FUZZ_CHECK((decision.verdict == hooks::retry::Verdict::success) ==
                     (status >= 200 && status < 300));
    if (decision.verdict != hooks::retry::Verdict::retry) {
        HOOKS_FUZZ_CHECK(decision.wait == milliseconds(0));
        return;
    }
    auto index = static_cast<std::size_t>(attempt - 1);
    HOOKS_FUZZ_CHECK(status != 410 && index < schedule.delays.size());
    double bound = static_cast<double>(schedule.delays[index].count()) * (1 + jitter);
    if (status == 429 || status == 503) {
        bound = std::max(bound, static_cast<double>(hooks::retry::k_max_retry_after.count()));
    }
    bound = std::min(bound * scale, static_cast<double>(k_max_wait_millis));
    HOOKS_FUZZ_CHECK(decision.wait.count() >= 0 &&
                     static_cast<double>(decision.wait.count()) <= bound + 1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_schedule(input);
    check_retry_after(input);
    check_decide(data, size, input);
    return 0;
}
