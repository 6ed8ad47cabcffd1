// SPDX-License-Identifier: MIT
#include "core/providers/timestamp.hpp"

#include <catch2/catch.hpp>

using namespace hooks::providers;

TEST_CASE("timestamps parse in seconds and milliseconds", "[providers]") {
    CHECK(parse_timestamp("1700000000", TimestampUnit::seconds).value() ==
          UnixMillis(1'700'000'000'000));
    CHECK(parse_timestamp("1700000000123", TimestampUnit::milliseconds).value() ==
          UnixMillis(1'700'000'000'123));
    CHECK(parse_timestamp("0", TimestampUnit::seconds).value() == UnixMillis(0));
}

TEST_CASE("timestamps with signs, spaces, fractions or too many digits are rejected",
          "[providers]") {
    for (const char* text :
         {"", "-1", "+1", " 1", "1 ", "1.5", "1e9", "0x10", "12345678901234567"}) {
        CHECK_FALSE(parse_timestamp(text, TimestampUnit::seconds));
    }
}

TEST_CASE("timestamps format back to what was parsed", "[providers]") {
    CHECK(format_timestamp(UnixMillis(1'700'000'000'999), TimestampUnit::seconds) == "1700000000");
    CHECK(format_timestamp(UnixMillis(1'700'000'000'999), TimestampUnit::milliseconds) ==
          "1700000000999");
}
