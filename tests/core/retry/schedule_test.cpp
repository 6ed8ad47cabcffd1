// SPDX-License-Identifier: MIT
#include "core/retry/schedule.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

using namespace hooks::retry;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

/// The time from the first attempt to the last retry.
milliseconds total(const Schedule& schedule) {
    milliseconds sum{0};
    for (milliseconds delay : schedule.delays) {
        sum += delay;
    }
    return sum;
}

// Wed, 21 Oct 2015 07:28:00 GMT.
const std::chrono::system_clock::time_point k_now{seconds(1'445'412'480)};

Schedule schedule_of(std::vector<milliseconds> delays, double jitter = 0) {
    Schedule schedule;
    schedule.name = "test";
    schedule.delays = std::move(delays);
    schedule.jitter = jitter;
    return schedule;
}

Outcome status(int code, std::vector<hooks::message::Header> headers = {}) {
    Outcome outcome;
    outcome.status = code;
    outcome.headers = std::move(headers);
    return outcome;
}

const Schedule k_three = schedule_of({seconds(1), seconds(5), seconds(15)});

bool is_one_line(const std::string& text) {
    return !text.empty() && text.find_first_of("\r\n") == std::string::npos;
}

} // namespace

TEST_CASE("every preset matches its provider's documented schedule", "[retry]") {
    struct Expected {
        std::string name;
        std::vector<milliseconds> delays;
        milliseconds timeout;
    };
    const std::vector<Expected> expected = {
        {"codenx",
         {seconds(0), seconds(1), seconds(5), seconds(30), minutes(5), minutes(30)},
         seconds(30)},
        {"centrali", {seconds(1), seconds(5), seconds(15)}, seconds(30)},
        {"fluxbase", {seconds(5), seconds(5), seconds(5)}, seconds(30)},
        {"cognexia", {seconds(1), seconds(2), seconds(4)}, seconds(5)},
        {"standard",
         {seconds(5), minutes(5), minutes(30), hours(2), hours(5), hours(10), hours(10)},
         seconds(15)},
        {"svix",
         {seconds(5), minutes(5), minutes(30), hours(2), hours(5), hours(10), hours(10)},
         seconds(15)},
        {"github", {}, seconds(10)},
        {"github-sha1", {}, seconds(10)},
        {"slack", {seconds(0), minutes(1), minutes(5)}, seconds(3)},
        {"twilio", {seconds(0)}, seconds(15)},
        {"discord", {}, seconds(3)},
        {"none", {}, seconds(30)},
        {"default", {seconds(1), seconds(5), seconds(30)}, seconds(30)},
    };
    for (const Expected& want : expected) {
        INFO(want.name);
        Schedule schedule = preset(want.name);
        CHECK(schedule.name == want.name);
        CHECK(schedule.delays == want.delays);
        CHECK(schedule.timeout == want.timeout);
        CHECK(schedule.jitter == 0);
    }
}

TEST_CASE("representative presets keep the documented shape", "[retry]") {
    // Stripe: exponential backoff for up to 3 days.
    Schedule stripe = preset("stripe");
    CHECK(std::is_sorted(stripe.delays.begin(), stripe.delays.end()));
    CHECK(total(stripe) <= hours(72));
    CHECK(total(stripe) > hours(48));
    // Shopify: 8 retries over 4 hours, 5 seconds to respond.
    Schedule shopify = preset("shopify");
    CHECK(shopify.delays.size() == 8);
    CHECK(total(shopify) == hours(4));
    CHECK(shopify.timeout == seconds(5));
    // Paddle: 60 retries over 3 days, 20 in the first hour, 5 seconds to respond.
    Schedule paddle = preset("paddle");
    REQUIRE(paddle.delays.size() == 60);
    CHECK(total(paddle) <= hours(72));
    std::vector<milliseconds> first_twenty(paddle.delays.begin(), paddle.delays.begin() + 20);
    CHECK(total(schedule_of(first_twenty)) <= hours(1));
    CHECK(paddle.timeout == seconds(5));
}

TEST_CASE("every preset name resolves, and unknown providers get the default", "[retry]") {
    std::vector<std::string> names = preset_names();
    for (const char* name :
         {"codenx", "centrali", "fluxbase", "cognexia", "standard", "svix", "stripe", "github",
          "shopify", "slack", "paddle", "twilio", "discord", "none", "default"}) {
        INFO(name);
        CHECK(std::find(names.begin(), names.end(), name) != names.end());
    }
    for (const std::string& name : names) {
        INFO(name);
        CHECK(preset(name).name == name);
        CHECK(parse_schedule(name).value().name == name);
    }
    CHECK(preset("codex").name == "default");
    CHECK(preset("no-such-provider").delays == preset("default").delays);
}

TEST_CASE("schedules parse from a list of durations", "[retry]") {
    Schedule parsed = parse_schedule("0,1s,5s").value();
    CHECK(parsed.name == "custom");
    CHECK(parsed.delays == std::vector<milliseconds>{seconds(0), seconds(1), seconds(5)});
    CHECK(parsed.timeout == seconds(30));
    CHECK(parse_schedule(" 250ms , 1.5s,\t2m,1h ").value().delays ==
          std::vector<milliseconds>{milliseconds(250), milliseconds(1500), minutes(2), hours(1)});
    CHECK(parse_schedule("30").value().delays == std::vector<milliseconds>{seconds(30)});
}

TEST_CASE("none means no retries and 0 means one immediate retry", "[retry]") {
    CHECK(parse_schedule("none").value().delays.empty());
    CHECK(parse_schedule("0").value().delays == std::vector<milliseconds>{milliseconds(0)});
    CHECK(parse_schedule("codenx").value().delays == preset("codenx").delays);
}

TEST_CASE("bad schedules fail with one line naming the bad item", "[retry]") {
    struct Case {
        const char* text;
        const char* needle;
    };
    for (const Case& bad : {
             Case{"", "empty retry schedule"},
             Case{"  ", "empty retry schedule"},
             Case{"1s,,5s", "item 2 is empty"},
             Case{"1s,", "item 2 is empty"},
             Case{",1s", "item 1 is empty"},
             Case{"1s,5x", "item 2: invalid duration '5x'"},
             Case{"-1s", "item 1: invalid duration '-1s'"},
             Case{"1s,31d", "item 2: invalid duration '31d'"},
             Case{"1s,721h", "item 2: duration '721h' is longer than 30 days"},
             Case{"stripee", "unknown retry schedule 'stripee'"},
             Case{"Codenx", "unknown retry schedule 'Codenx'"},
         }) {
        INFO(bad.text);
        auto parsed = parse_schedule(bad.text);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().kind == hooks::ErrorKind::usage);
        CHECK(is_one_line(parsed.error().message));
        CHECK(parsed.error().message.find(bad.needle) != std::string::npos);
    }
    CHECK(parse_schedule("nope").error().message.find("codenx") != std::string::npos);
}

TEST_CASE("schedules take at most 100 items", "[retry]") {
    std::string hundred = "1s";
    for (int i = 1; i < 100; ++i) {
        hundred += ",1s";
    }
    CHECK(parse_schedule(hundred).value().delays.size() == k_max_schedule_items);
    auto too_many = parse_schedule(hundred + ",1s");
    REQUIRE_FALSE(too_many);
    CHECK(too_many.error().message == "retry schedule has 101 items, at most 100");
}

TEST_CASE("a 2xx succeeds", "[retry]") {
    for (int code : {200, 201, 204, 299}) {
        Decision decision = decide(k_three, 1, status(code), 1.0, k_now);
        CHECK(decision.verdict == Verdict::success);
        CHECK(decision.wait == milliseconds(0));
        CHECK(decision.reason == std::to_string(code) + ", delivered");
    }
}

TEST_CASE("410 Gone stops at once", "[retry]") {
    Decision decision = decide(k_three, 1, status(410), 1.0, k_now);
    CHECK(decision.verdict == Verdict::stop);
    CHECK(decision.reason == "410 Gone: the endpoint asks to stop");
}

TEST_CASE("a 500 is retried after each delay in turn, then given up", "[retry]") {
    CHECK(decide(k_three, 1, status(500), 1.0, k_now).wait == seconds(1));
    CHECK(decide(k_three, 2, status(500), 1.0, k_now).wait == seconds(5));
    Decision third = decide(k_three, 3, status(500), 1.0, k_now);
    CHECK(third.verdict == Verdict::retry);
    CHECK(third.wait == seconds(15));
    CHECK(third.reason == "500, retry 3 of 3 in 15s");
    Decision fourth = decide(k_three, 4, status(500), 1.0, k_now);
    CHECK(fourth.verdict == Verdict::stop);
    CHECK(fourth.wait == milliseconds(0));
    CHECK(fourth.reason == "500, giving up: schedule test exhausted after 4 attempts");
    // Retry-After only speaks for 429 and 503.
    CHECK(decide(k_three, 1, status(500, {{"Retry-After", "100"}}), 1.0, k_now).wait == seconds(1));
}

TEST_CASE("without retries the first failure stops", "[retry]") {
    Decision decision = decide(preset("none"), 1, status(502), 1.0, k_now);
    CHECK(decision.verdict == Verdict::stop);
    CHECK(decision.reason == "502, giving up: schedule none has no retries");
}

TEST_CASE("429 waits for Retry-After in seconds when it is longer", "[retry]") {
    Decision longer = decide(k_three, 1, status(429, {{"retry-after", "10"}}), 1.0, k_now);
    CHECK(longer.verdict == Verdict::retry);
    CHECK(longer.wait == seconds(10));
    CHECK(longer.reason == "429, Retry-After 10s, retry 1 of 3 in 10s");
    Decision shorter = decide(k_three, 2, status(429, {{"Retry-After", "2"}}), 1.0, k_now);
    CHECK(shorter.wait == seconds(5));
    CHECK(shorter.reason == "429, Retry-After 2s, retry 2 of 3 in 5s");
    Decision capped = decide(k_three, 1, status(429, {{"Retry-After", "86400"}}), 1.0, k_now);
    CHECK(capped.wait == hours(1));
}

TEST_CASE("429 waits for Retry-After given as an HTTP date", "[retry]") {
    Outcome outcome = status(429, {{"Retry-After", "Wed, 21 Oct 2015 07:29:30 GMT"}});
    Decision decision = decide(k_three, 1, outcome, 1.0, k_now);
    CHECK(decision.wait == seconds(90));
    CHECK(decision.reason == "429, Retry-After 1m30s, retry 1 of 3 in 1m30s");
}

TEST_CASE("a malformed Retry-After is named and ignored", "[retry]") {
    Decision decision = decide(k_three, 1, status(503, {{"Retry-After", "soon"}}), 1.0, k_now);
    CHECK(decision.wait == seconds(1));
    CHECK(decision.reason == "503, Retry-After 'soon' ignored, retry 1 of 3 in 1s");
}

TEST_CASE("503 without Retry-After follows the schedule", "[retry]") {
    Decision decision = decide(k_three, 1, status(503), 1.0, k_now);
    CHECK(decision.verdict == Verdict::retry);
    CHECK(decision.wait == seconds(1));
    CHECK(decision.reason == "503, retry 1 of 3 in 1s");
}

TEST_CASE("429 and 503 after the schedule is exhausted stop", "[retry]") {
    Decision decision = decide(k_three, 4, status(429, {{"Retry-After", "1"}}), 1.0, k_now);
    CHECK(decision.verdict == Verdict::stop);
    CHECK(decision.reason.find("429, giving up") == 0);
    CHECK(decide(k_three, 4, status(503), 1.0, k_now).verdict == Verdict::stop);
}

TEST_CASE("a timeout or no response is retried", "[retry]") {
    Outcome timeout;
    timeout.is_timeout = true;
    Decision timed_out = decide(k_three, 1, timeout, 1.0, k_now);
    CHECK(timed_out.verdict == Verdict::retry);
    CHECK(timed_out.wait == seconds(1));
    CHECK(timed_out.reason == "timed out after 30s, retry 1 of 3 in 1s");
    Decision refused = decide(k_three, 2, Outcome{}, 1.0, k_now);
    CHECK(refused.wait == seconds(5));
    CHECK(refused.reason == "no response, retry 2 of 3 in 5s");
    CHECK(decide(k_three, 4, timeout, 1.0, k_now).reason ==
          "timed out after 30s, giving up: schedule test exhausted after 4 attempts");
}

TEST_CASE("a redirect is not followed and is retried like a failure", "[retry]") {
    Decision moved =
        decide(k_three, 1, status(302, {{"Location", "https://example.com/new"}}), 1.0, k_now);
    CHECK(moved.verdict == Verdict::retry);
    CHECK(moved.wait == seconds(1));
    CHECK(moved.reason ==
          "302, redirect to https://example.com/new not followed, retry 1 of 3 in 1s");
    CHECK(decide(k_three, 1, status(301), 1.0, k_now).reason ==
          "301, redirect not followed (no Location), retry 1 of 3 in 1s");
    // An untrusted Location cannot break the reason's line.
    Decision hostile =
        decide(k_three, 1, status(307, {{"Location", "/a\r\nX-Evil: 1"}}), 1.0, k_now);
    CHECK(is_one_line(hostile.reason));
}

TEST_CASE("scale multiplies every wait", "[retry]") {
    Schedule codenx = preset("codenx");
    CHECK(decide(codenx, 1, status(500), 0.001, k_now).wait == milliseconds(0));
    CHECK(decide(codenx, 3, status(500), 0.001, k_now).wait == milliseconds(5));
    CHECK(decide(codenx, 6, status(500), 0.001, k_now).wait == milliseconds(1800));
    Decision scaled = decide(k_three, 1, status(429, {{"Retry-After", "10"}}), 0.001, k_now);
    CHECK(scaled.wait == milliseconds(10));
    CHECK(scaled.reason == "429, Retry-After 10s, retry 1 of 3 in 10ms");
    CHECK(decide(k_three, 1, status(500), 0.0, k_now).wait == milliseconds(0));
    CHECK(decide(k_three, 1, status(500), 2.0, k_now).wait == seconds(2));
}

TEST_CASE("decide rejects impossible arguments", "[retry]") {
    CHECK_THROWS_AS(decide(k_three, 0, status(500), 1.0, k_now), std::invalid_argument);
    CHECK_THROWS_AS(decide(k_three, 1, status(500), -1.0, k_now), std::invalid_argument);
    CHECK_THROWS_AS(decide(k_three, 1, status(500), std::nan(""), k_now), std::invalid_argument);
}

TEST_CASE("jitter spreads a delay within its bounds", "[retry]") {
    Schedule half = schedule_of({seconds(1)}, 0.5);
    Schedule whole = schedule_of({seconds(1)}, 5.0); // more than 1 counts as 1
    bool varies = false;
    milliseconds first = decide(half, 1, status(500), 1.0, k_now).wait;
    for (int i = 0; i < 200; ++i) {
        milliseconds wait = decide(half, 1, status(500), 1.0, k_now).wait;
        CHECK(wait >= milliseconds(500));
        CHECK(wait <= milliseconds(1500));
        varies = varies || wait != first;
        milliseconds wide = decide(whole, 1, status(500), 1.0, k_now).wait;
        CHECK(wide >= milliseconds(0));
        CHECK(wide <= milliseconds(2000));
    }
    CHECK(varies);
    // Retry-After is a minimum that jitter does not shorten.
    Schedule jittered = schedule_of({seconds(10)}, 0.5);
    for (int i = 0; i < 50; ++i) {
        CHECK(decide(jittered, 1, status(503, {{"Retry-After", "20"}}), 1.0, k_now).wait ==
              seconds(20));
    }
}

TEST_CASE("Retry-After reads delay-seconds", "[retry]") {
    CHECK(parse_retry_after("120", k_now) == milliseconds(120'000));
    CHECK(parse_retry_after(" 5\t", k_now) == milliseconds(5000));
    CHECK(parse_retry_after("0", k_now) == milliseconds(0));
    CHECK(parse_retry_after("007", k_now) == milliseconds(7000));
    CHECK(parse_retry_after("3600", k_now) == hours(1));
    CHECK(parse_retry_after("3601", k_now) == hours(1));
    CHECK(parse_retry_after("99999999999999999999999999999", k_now) == hours(1));
}

TEST_CASE("Retry-After reads an IMF-fixdate relative to now", "[retry]") {
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", k_now) == seconds(30));
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", k_now) == milliseconds(0));
    CHECK(parse_retry_after("Tue, 20 Oct 2015 07:28:00 GMT", k_now) == milliseconds(0));
    CHECK(parse_retry_after("Sat, 01 Jan 0000 00:00:00 GMT", k_now) == milliseconds(0));
    CHECK(parse_retry_after("Wed, 21 Oct 2015 09:28:00 GMT", k_now) == hours(1));
    CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", k_now) == hours(1));
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:60 GMT", k_now) == seconds(60));
    CHECK(parse_retry_after("Mon, 29 Feb 2016 00:00:00 GMT", k_now) == hours(1));
    // A wait from a sub-second now is rounded up, never earlier than the date.
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:02 GMT", k_now + milliseconds(500)) ==
          milliseconds(1500));
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:01 GMT",
                            k_now + std::chrono::microseconds(999'999)) == milliseconds(1));
}

TEST_CASE("malformed Retry-After values give nothing", "[retry]") {
    for (const char* value : {"",
                              " ",
                              "-5",
                              "+5",
                              "5.5",
                              "5s",
                              "1e3",
                              "soon",
                              "0x10",
                              "Wed, 31 Feb 2015 07:28:00 GMT",
                              "wed, 21 Oct 2015 07:28:00 GMT",
                              "Wed, 21 oct 2015 07:28:00 GMT",
                              "Wed, 21 Oct 2015 24:00:00 GMT",
                              "Wed, 21 Oct 2015 07:60:00 GMT",
                              "Wed, 21 Oct 2015 07:28:61 GMT",
                              "Wed, 21 Oct 2015 07:28:00 UTC",
                              "Wed, 21 Oct 15 07:28:00 GMT",
                              "Wed, 1 Oct 2015 07:28:00 GMT",
                              "Wed, 21 Oct 2015 7:28:00 GMT",
                              "Wed, 21 Oct 2015 07:28:0a GMT",
                              "Xyz, 21 Oct 2015 07:28:00 GMT",
                              "Wednesday, 21-Oct-15 07:28:00 GMT",
                              "Wed Oct 21 07:28:00 2015",
                              "Wed, 21 Oct 2015 07:28:00 GMT trailing"}) {
        INFO(value);
        CHECK_FALSE(parse_retry_after(value, k_now));
    }
}

TEST_CASE("waits_after gives the schedule's remaining waits, scaled and capped", "[retry]") {
    // Delays before attempts 2, 3, 4, 5; after attempt 2 (whose retry waits 1s) come 5m and
    // 600h; doubled, 600h is capped at 30 days as decide() caps it.
    auto schedule = hooks::retry::parse_schedule("0,1s,5m,600h").value();
    using std::chrono::milliseconds;
    CHECK(hooks::retry::waits_after(schedule, 2, 2.0) ==
          std::vector<milliseconds>{milliseconds(600'000), milliseconds(30LL * 24 * 3'600'000)});
    CHECK(hooks::retry::waits_after(schedule, 3, 0.001) ==
          std::vector<milliseconds>{milliseconds(2'160'000)});
    CHECK(hooks::retry::waits_after(schedule, 4).empty());
}

TEST_CASE("the gitlab ... postmark presets follow their providers' documents", "[retry]") {
    struct Expected {
        std::string name;
        std::vector<milliseconds> delays;
        milliseconds timeout;
        std::string source_start;
    };
    const std::vector<milliseconds> daylong = {minutes(1),  minutes(2),  minutes(4), minutes(8),
                                               minutes(16), minutes(32), hours(1),   hours(2),
                                               hours(4),    hours(8),    hours(7)};
    const std::vector<Expected> expected = {
        {"gitlab", {}, seconds(10), "docs.gitlab.com webhooks"},
        {"bitbucket",
         {seconds(0), seconds(0)},
         seconds(10),
         "support.atlassian.com bitbucket-cloud"},
        {"razorpay", daylong, seconds(5), "razorpay.com/docs/webhooks/best-practices"},
        {"calendly", daylong, seconds(15), "developer.calendly.com webhook errors"},
        {"dropbox",
         {seconds(20), seconds(40), seconds(80), seconds(160), seconds(320)},
         seconds(10),
         "dropbox.com/developers/reference/webhooks"},
        {"mux", daylong, seconds(5), "mux.com/docs/core/listen-for-webhooks"},
        {"pagerduty",
         {minutes(1), minutes(2), minutes(4), minutes(8), minutes(16), minutes(32), hours(1),
          hours(2), hours(4), hours(8), hours(8), hours(8), hours(8), hours(7)},
         seconds(5),
         "PagerDuty developer-docs webhooks/02-Behavior.md"},
        {"vercel", {seconds(1), seconds(5), seconds(30)}, seconds(30), "vercel.com/docs/webhooks"},
        {"segment", {seconds(1), seconds(5), seconds(30)}, seconds(30), "segment webhooks"},
        {"sentry", {}, seconds(1), "sentry.io changelog 2023-10-03"},
        {"postmark",
         {minutes(1), minutes(5), minutes(10), minutes(10), minutes(10), minutes(15), minutes(30),
          hours(1), hours(2), hours(6)},
         seconds(30),
         "postmarkapp.com support"},
    };
    for (const Expected& want : expected) {
        INFO(want.name);
        Schedule schedule = preset(want.name);
        CHECK(schedule.name == want.name);
        CHECK(schedule.delays == want.delays);
        CHECK(schedule.timeout == want.timeout);
        CHECK(schedule.source.starts_with(want.source_start));
        CHECK(is_one_line(schedule.source));
    }
    // PagerDuty: retried for up to 48 hours; Dropbox: about ten minutes.
    CHECK(total(preset("pagerduty")) == hours(46) + minutes(63));
    CHECK(total(preset("dropbox")) == seconds(620));

    // Coinbase Commerce: doubling from 1 minute to the 1 hour cap, then hourly, for 3 days.
    Schedule coinbase = preset("coinbase-commerce");
    REQUIRE(coinbase.delays.size() == 77);
    CHECK(std::vector<milliseconds>(coinbase.delays.begin(), coinbase.delays.begin() + 7) ==
          std::vector<milliseconds>{minutes(1), minutes(2), minutes(4), minutes(8), minutes(16),
                                    minutes(32), hours(1)});
    CHECK(*std::max_element(coinbase.delays.begin(), coinbase.delays.end()) == hours(1));
    CHECK(total(coinbase) == hours(71) + minutes(63));
    CHECK(coinbase.timeout == seconds(30));
    CHECK(coinbase.source.find("representative") != std::string::npos);
}

TEST_CASE("the presets of Square, Zoom, Linear, Twitch, Intercom, Mailgun, SendGrid, HubSpot and "
          "Typeform follow their documents",
          "[retry]") {
    struct Expected {
        std::string name;
        std::vector<milliseconds> delays;
        milliseconds timeout;
        std::string source_start;
    };
    std::vector<milliseconds> square = {minutes(1), minutes(2),  minutes(4),
                                        minutes(8), minutes(16), minutes(32)};
    square.insert(square.end(), 72, hours(1));
    const std::vector<milliseconds> hubspot = {
        minutes(2),  minutes(4),   minutes(8),   minutes(16),  minutes(32),
        minutes(64), minutes(128), minutes(256), minutes(512), minutes(1024)};
    const std::vector<Expected> expected = {
        {"square", square, seconds(10), "developer.squareup.com/docs/webhooks-api/delivery-sla"},
        {"zoom", {minutes(5), minutes(20), minutes(60)}, seconds(3), "devsupport.zoom.us"},
        {"linear", {minutes(1), hours(1), hours(6)}, seconds(5), "linear.app/developers/webhooks"},
        {"twitch", {seconds(1), seconds(5), seconds(30)}, seconds(3), "dev.twitch.tv eventsub"},
        {"intercom", {minutes(1)}, seconds(5), "developers.intercom.com"},
        {"mailgun",
         {minutes(10), minutes(10), minutes(15), minutes(30), hours(1), hours(2), hours(4)},
         seconds(30),
         "help.mailgun.com"},
        {"sendgrid",
         {minutes(5), minutes(10), minutes(15), minutes(30), hours(1), hours(2), hours(4), hours(8),
          hours(8)},
         seconds(30),
         "docs.sendgrid.com"},
        {"hubspot-v1", hubspot, seconds(5), "developers.hubspot.com"},
        {"hubspot-v2", hubspot, seconds(5), "developers.hubspot.com"},
        {"hubspot-v3", hubspot, seconds(5), "developers.hubspot.com"},
        {"typeform",
         {minutes(5), minutes(10), minutes(20), hours(1), hours(2)},
         seconds(30),
         "typeform.com/developers/webhooks"},
    };
    for (const Expected& want : expected) {
        INFO(want.name);
        Schedule schedule = preset(want.name);
        CHECK(schedule.name == want.name);
        CHECK(schedule.delays == want.delays);
        CHECK(schedule.timeout == want.timeout);
        CHECK(schedule.source.starts_with(want.source_start));
        CHECK(is_one_line(schedule.source));
        CHECK(parse_schedule(want.name).value().delays == want.delays);
    }
    // Square's table: retries 7 to 78 hourly after 63 minutes; SendGrid "for up to 24 hours".
    CHECK(total(preset("square")) == hours(72) + minutes(63));
    CHECK(total(preset("sendgrid")) == hours(24));
    // The representative rows say so.
    CHECK(preset("twitch").source.find("representative") != std::string::npos);
    CHECK(preset("sendgrid").source.find("representative") != std::string::npos);
}
