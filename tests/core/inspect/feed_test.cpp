// SPDX-License-Identifier: MIT
// How deliveries reach the inspector: from a saved log (verified again with secrets, or as
// recorded) and live from listen's observer.
#include "core/inspect/feed.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace hooks;

namespace {

/// A log line for a GitHub delivery of `body` signed with `secret`, recorded as `recorded_ok`.
std::string github_line(std::uint64_t seq, const std::string& body, const std::string& secret,
                        bool recorded_ok) {
    auto registry = providers::Registry::builtin();
    auto scheme = registry.find("github");
    REQUIRE(scheme.has_value());
    std::vector<providers::Secret> secrets = {{secret, "--secret #1"}};
    providers::SignInput input;
    input.body = body;
    input.secrets = secrets;
    auto signature = (*scheme)->sign(input);
    REQUIRE(signature.has_value());
    log::Record record;
    record.seq = seq;
    record.received_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'796'000'000));
    record.message.target = "/hooks";
    record.message.headers = {{"Host", "127.0.0.1:8080"},
                              {"X-GitHub-Event", "push"},
                              {"X-GitHub-Delivery", "d-" + std::to_string(seq)}};
    for (const auto& header : signature->headers) {
        record.message.headers.push_back(header);
    }
    record.message.body = body;
    record.verify = log::VerifyOutcome{"github", recorded_ok, recorded_ok ? "ok" : "mismatch"};
    return log::to_json_line(record);
}

} // namespace

TEST_CASE("a saved log is read with the recorded verdicts, or verified again with secrets",
          "[inspect]") {
    auto registry = providers::Registry::builtin();
    std::string text =
        github_line(1, R"({"a":1})", "right", true) + github_line(2, R"({"a":2})", "wrong", true);
    {
        std::istringstream input(text);
        inspect::Store store;
        inspect::LoadOptions options;
        options.registry = &registry;
        auto loaded = inspect::load(input, "saved.jsonl", options, store);
        REQUIRE(loaded.has_value());
        CHECK(loaded->records == 2);
        REQUIRE(store.size() == 2);
        CHECK(store.find(2)->entry()->record.verify->ok); // as recorded
        CHECK(store.find(2)->entry()->provider == "github");
        CHECK(store.find(2)->entry()->event_type == "push");
        CHECK(store.find(2)->entry()->record.id == "d-2");
    }
    std::istringstream input(text);
    inspect::Store store;
    inspect::LoadOptions options;
    options.registry = &registry;
    options.is_auto = true;
    options.secrets = {{"right", "--secret #1"}};
    auto loaded = inspect::load(input, "saved.jsonl", options, store);
    REQUIRE(loaded.has_value());
    CHECK(store.find(1)->entry()->record.verify->ok);
    CHECK_FALSE(store.find(2)->entry()->record.verify->ok);
    CHECK(store.find(2)->entry()->record.verify->reason.find("X-Hub-Signature-256") !=
          std::string::npos);
}

TEST_CASE("a log line that does not parse fails naming the file and line", "[inspect]") {
    std::istringstream input(github_line(1, "{}", "s", true) + "{\"v\":2}\n" +
                             github_line(3, "{}", "s", true));
    inspect::Store store;
    auto loaded = inspect::load(input, "broken.jsonl", {}, store);
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message.starts_with("broken.jsonl:2: "));
    CHECK(loaded.error().message.find('\n') == std::string::npos);
}

namespace {

struct CountingObserver final : listen::Observer {
    int deliveries = 0;
    int rejections = 0;
    void on_delivery(const listen::Receipt& /*receipt*/) override { ++deliveries; }
    void on_rejection(const http::Rejection& /*rejection*/) override { ++rejections; }
};

} // namespace

TEST_CASE("listen's feed passes every receipt on and keeps it in the store", "[inspect]") {
    CountingObserver printer;
    inspect::Store store;
    inspect::ListenFeed feed(printer, store);
    listen::Receipt receipt;
    receipt.record.message.body = "{}";
    receipt.provider = "stripe";
    receipt.event_type = "invoice.paid";
    receipt.is_redelivery = true;
    feed.on_delivery(receipt);
    feed.on_rejection(http::Rejection{});
    CHECK(printer.deliveries == 1);
    CHECK(printer.rejections == 1);
    CHECK(store.size() == 0);
    feed.keep(std::move(receipt), {});
    REQUIRE(store.size() == 1);
    CHECK(store.find(1)->entry()->record.message.body == "{}");
    CHECK(store.find(1)->entry()->provider == "stripe");
    CHECK(store.find(1)->entry()->event_type == "invoice.paid");
    CHECK(store.find(1)->entry()->is_redelivery);

    // With the line the log wrote (seq 0 in it), the store keeps that line, and the record
    // reads back whole, its log seq included.
    listen::Receipt logged;
    logged.record.seq = 7;
    logged.record.id = "evt_7";
    logged.record.message.method = "POST";
    logged.record.message.target = "/hooks";
    logged.record.message.headers = {{"Content-Type", "application/json"}};
    logged.record.message.body = R"({"n":7})";
    logged.record.response_status = 204;
    log::Record unnumbered = logged.record;
    unnumbered.seq = 0;
    std::string line = log::to_json_line(unnumbered);
    log::Record expected = logged.record;
    feed.keep(std::move(logged), log::Logged{line, std::nullopt, nullptr});
    auto back = store.find(2)->entry();
    REQUIRE(back);
    CHECK(back->record == expected);
    CHECK(store.find(2)->summary().ends_with(",\"evt_7\",7]")); // id, then log_seq
}
