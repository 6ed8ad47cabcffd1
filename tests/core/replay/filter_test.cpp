// SPDX-License-Identifier: MIT
#include "core/replay/filter.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using hooks::replay::Filter;
using hooks::replay::RecordFacts;

namespace {

const auto k_now = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));

log::Record record_at(std::chrono::seconds ago) {
    log::Record record;
    record.seq = 12;
    record.received_at = k_now - ago;
    record.message.method = "POST";
    record.message.target = "/webhooks/stripe?x=1";
    record.verify = log::VerifyOutcome{"stripe", true, "valid"};
    record.response_status = 204;
    return record;
}

const RecordFacts k_facts{"stripe", "evt_123", "invoice.paid"};

bool passes(const std::vector<std::string>& expressions,
            const log::Record& record = record_at(std::chrono::seconds(60)),
            const RecordFacts& facts = k_facts) {
    auto filter = Filter::parse(expressions, k_now);
    INFO((filter ? std::string() : filter.error().message));
    REQUIRE(filter.has_value());
    return filter->matches(record, facts);
}

std::string error_of(const std::string& expression) {
    auto filter = Filter::parse({expression}, k_now);
    REQUIRE_FALSE(filter.has_value());
    CHECK(filter.error().kind == ErrorKind::usage);
    return filter.error().message;
}

} // namespace

TEST_CASE("filter matches each key", "[replay]") {
    CHECK(passes({}));
    CHECK(passes({"provider=stripe"}));
    CHECK_FALSE(passes({"provider=github"}));
    CHECK(passes({"event=invoice.*"}));
    CHECK_FALSE(passes({"event=customer.*"}));
    CHECK(passes({"id=evt_1*"}));
    CHECK(passes({"path=/webhooks/*"}));
    CHECK_FALSE(passes({"path=/webhooks/stripe?x=1"})); // the query is not part of the path
    CHECK(passes({"method=post"}));
    CHECK(passes({"verify=valid"}));
    CHECK_FALSE(passes({"verify=invalid"}));
    CHECK(passes({"status=2xx"}));
    CHECK(passes({"status=204"}));
    CHECK_FALSE(passes({"status=5xx"}));
    CHECK(passes({"seq=12"}));
    CHECK(passes({"seq=1-20"}));
    CHECK_FALSE(passes({"seq=13-20"}));
    CHECK(passes({"after=2m"}));
    CHECK_FALSE(passes({"after=30s"}));
    CHECK(passes({"before=30s"}));
    CHECK(passes({"after=2026-11-23T00:00:00Z"}) ==
          (k_now - std::chrono::seconds(60) >= *log::parse_rfc3339("2026-11-23T00:00:00Z")));
}

TEST_CASE("filter alternatives, negation and conjunction", "[replay]") {
    CHECK(passes({"event=customer.*,invoice.*"}));
    CHECK(passes({"event=customer.*", "event=invoice.paid"}));   // same key: alternatives
    CHECK_FALSE(passes({"event=invoice.*", "provider=github"})); // different keys: all hold
    CHECK_FALSE(passes({"event!=invoice.paid"}));
    CHECK(passes({"event!=invoice.failed"}));
    CHECK_FALSE(passes({"event=invoice.*", "event!=*.paid"}));
}

TEST_CASE("filter on facts a record does not have", "[replay]") {
    log::Record unverified = record_at(std::chrono::seconds(1));
    unverified.verify.reset();
    unverified.response_status.reset();
    RecordFacts unknown;
    CHECK(passes({"verify=unverified"}, unverified, unknown));
    CHECK_FALSE(passes({"event=*"}, unverified, unknown));
    CHECK(passes({"event!=*"}, unverified, unknown));
    CHECK_FALSE(passes({"status=2xx"}, unverified, unknown));
}

TEST_CASE("filter rejects bad expressions naming them", "[replay]") {
    CHECK(error_of("colour=red").starts_with("--filter 'colour=red': unknown key"));
    CHECK(error_of("event") == "--filter 'event': expected KEY=VALUE or KEY!=VALUE");
    CHECK(error_of("=x") == "--filter '=x': expected KEY=VALUE or KEY!=VALUE");
    CHECK(error_of("verify=ok") == "--filter 'verify=ok': verify is valid, invalid or unverified");
    CHECK(error_of("status=99") == "--filter 'status=99': status is a code (204) or a class (2xx)");
    CHECK(error_of("seq=5-2") == "--filter 'seq=5-2': seq is N or N-M");
    CHECK(error_of("after=soon").starts_with("--filter 'after=soon': expected an RFC 3339"));
    CHECK(error_of("before!=1h") == "--filter 'before!=1h': use after= or before=, not !=");
    CHECK(error_of("provider=") == "--filter 'provider=': no value");
    CHECK(error_of("event=a,,b") == "--filter 'event=a,,b': an empty alternative");
}
