// SPDX-License-Identifier: MIT
#include "core/text/duration.hpp"

#include <catch2/catch.hpp>

using hooks::text::format_duration;
using hooks::text::parse_duration;
using std::chrono::milliseconds;

TEST_CASE("durations take ms, s, m and h, and a bare number is seconds", "[text]") {
    CHECK(parse_duration("250ms").value() == milliseconds(250));
    CHECK(parse_duration("5s").value() == milliseconds(5000));
    CHECK(parse_duration("1.5s").value() == milliseconds(1500));
    CHECK(parse_duration("0.001s").value() == milliseconds(1));
    CHECK(parse_duration("2m").value() == milliseconds(120'000));
    CHECK(parse_duration("1h").value() == milliseconds(3'600'000));
    CHECK(parse_duration("30").value() == milliseconds(30'000));
    CHECK(parse_duration("0").value() == milliseconds(0));
    CHECK(parse_duration("0.25").value() == milliseconds(250));
}

TEST_CASE("bad durations fail with one line quoting the input", "[text]") {
    for (const char* text : {"", "s", "5 s", "-1s", "5sec", "1.2.3s", "5S", "1e3s", ".s", "5ms5"}) {
        auto parsed = parse_duration(text);
        INFO(text);
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().kind == hooks::ErrorKind::usage);
        CHECK(parsed.error().message.find("invalid duration") == 0);
    }
    auto huge = parse_duration("99999999999999999999999h");
    REQUIRE_FALSE(huge);
    CHECK(huge.error().message.find("30 days") != std::string::npos);
    CHECK_FALSE(parse_duration("31d"));
    CHECK_FALSE(parse_duration("721h"));
    CHECK(parse_duration("720h"));
}

TEST_CASE("durations format back compactly", "[text]") {
    CHECK(format_duration(milliseconds(250)) == "250ms");
    CHECK(format_duration(milliseconds(5000)) == "5s");
    CHECK(format_duration(milliseconds(1500)) == "1.5s");
    CHECK(format_duration(milliseconds(90'000)) == "1m30s");
    CHECK(format_duration(milliseconds(5'400'000)) == "1h30m");
}
