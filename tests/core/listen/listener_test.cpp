// SPDX-License-Identifier: MIT
// The listen engine served on a real loopback port, its log a fake: what the sender is told
// always agrees with what was recorded.
#include "core/http/server_fixture.hpp"
#include "core/listen/listener.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>
#include <thread>

using namespace hooks;
using namespace hooks::test;

namespace {

/// A log on a disk that fills up: it records the first `capacity` deliveries, then every write
/// fails with ENOSPC, as log::Writer reports it.
class FullDisk final : public log::Sink {
  public:
    explicit FullDisk(std::size_t capacity) : m_capacity(capacity) {}

    Result<void> append(log::Record& record) override {
        std::lock_guard lock(m_mutex);
        if (m_recorded >= m_capacity) {
            return no_space();
        }
        record.seq = ++m_recorded;
        return {};
    }

    log::BatchResult append_batch(const log::Batch& batch) override {
        std::lock_guard lock(m_mutex);
        log::BatchResult result;
        result.first_seq = m_recorded + 1;
        result.written = std::min(batch.size(), m_capacity - m_recorded);
        m_recorded += result.written;
        if (result.written < batch.size()) {
            result.error = no_space().error();
        }
        return result;
    }

    std::size_t recorded() const {
        std::lock_guard lock(m_mutex);
        return m_recorded;
    }

  private:
    static Result<void> no_space() {
        return fail(ErrorKind::input, "cannot write to log.jsonl: No space left on device");
    }

    mutable std::mutex m_mutex;
    std::size_t m_capacity;
    std::size_t m_recorded = 0;
};

/// Keeps every receipt and rejection the engine reports.
class Recorder final : public listen::Observer {
  public:
    void on_delivery(const listen::Receipt& receipt) override {
        std::lock_guard lock(m_mutex);
        m_receipts.push_back(receipt);
    }
    void keep(listen::Receipt&& receipt, const log::Logged& logged) override {
        std::lock_guard lock(m_mutex);
        m_kept.push_back(std::move(receipt));
        m_kept_lines.emplace_back(logged.line);
        m_kept_places.push_back(logged.place);
        m_kept_sinks.push_back(logged.sink);
    }
    void on_rejection(const http::Rejection& rejection) override {
        std::lock_guard lock(m_mutex);
        m_rejections.push_back(rejection);
    }
    std::vector<listen::Receipt> kept() const {
        std::lock_guard lock(m_mutex);
        return m_kept;
    }
    std::vector<std::string> kept_lines() const {
        std::lock_guard lock(m_mutex);
        return m_kept_lines;
    }
    bool wants_places() const override { return m_wants_places; }
    void want_places(bool wants) { m_wants_places = wants; }
    std::vector<std::optional<log::Place>> kept_places() const {
        std::lock_guard lock(m_mutex);
        return m_kept_places;
    }
    std::vector<const log::Sink*> kept_sinks() const {
        std::lock_guard lock(m_mutex);
        return m_kept_sinks;
    }
    std::vector<listen::Receipt> receipts() const {
        std::lock_guard lock(m_mutex);
        return m_receipts;
    }
    std::vector<http::Rejection> rejections() const {
        std::lock_guard lock(m_mutex);
        return m_rejections;
    }

  private:
    mutable std::mutex m_mutex;
    std::vector<listen::Receipt> m_receipts;
    std::vector<listen::Receipt> m_kept;
    std::vector<std::string> m_kept_lines;
    std::vector<std::optional<log::Place>> m_kept_places;
    std::vector<const log::Sink*> m_kept_sinks;
    bool m_wants_places = true;
    std::vector<http::Rejection> m_rejections;
};

/// A listener bound to a free loopback port, run on a thread of its own.
struct Running {
    listen::Listener listener;
    std::future<listen::Outcome> outcome;

    Running(listen::ReceiverConfig config, listen::Observer& observer, listen::StopWhen when = {})
        : listener(std::move(config), observer) {
        REQUIRE(listener.bind(test_options()).has_value());
        outcome = std::async(std::launch::async, [this, when] { return listener.run(when); });
    }
    ~Running() {
        listener.stop();
        outcome.wait();
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
};

listen::ReceiverConfig config_with(log::Sink* sink, const time::Clock& clock) {
    listen::ReceiverConfig config;
    static const providers::Registry registry = providers::Registry::builtin();
    config.registry = &registry;
    config.log = sink;
    config.clock = &clock;
    return config;
}

} // namespace

TEST_CASE("on a full disk every delivery is answered 500, never 2xx, and says it was not logged",
          "[listen]") {
    FullDisk disk(0);
    testing::FakeClock clock;
    Recorder recorder;
    Running running(config_with(&disk, clock), recorder);
    RawClient client(running.listener.port());
    // Pipelined, so that one turn of the I/O thread takes several: one batch, all refused.
    client.send(post("/a", "one") + post("/b", "two") + post("/c", "three"));
    for (int i = 0; i < 3; ++i) {
        auto response = client.read_response();
        CHECK(response.status == 500);
        CHECK(response.body == "hooks listen could not record the delivery\n");
    }
    auto receipts = recorder.receipts();
    REQUIRE(receipts.size() == 3);
    for (const auto& receipt : receipts) {
        CHECK(receipt.record.response_status == 500);
        CHECK(receipt.log_error == "cannot write to log.jsonl: No space left on device");
    }
    CHECK(disk.recorded() == 0);
}

TEST_CASE("when the disk fills mid-batch, exactly the deliveries recorded are acknowledged",
          "[listen]") {
    FullDisk disk(4);
    testing::FakeClock clock;
    Recorder recorder;
    Running running(config_with(&disk, clock), recorder);
    std::string pipelined;
    for (int i = 0; i < 10; ++i) {
        pipelined += post("/" + std::to_string(i), "body " + std::to_string(i));
    }
    RawClient client(running.listener.port());
    client.send(pipelined);
    int acknowledged = 0;
    for (int i = 0; i < 10; ++i) {
        auto response = client.read_response();
        REQUIRE(response.status != 0);
        CHECK((response.status == 200 || response.status == 500));
        acknowledged += response.status == 200 ? 1 : 0;
        // In order: once one is refused, the disk is full for all that follow.
        if (i >= 4) {
            CHECK(response.status == 500);
        }
    }
    CHECK(acknowledged == 4);
    CHECK(disk.recorded() == 4);
    std::size_t reported_ok = 0;
    for (const auto& receipt : recorder.receipts()) {
        reported_ok += receipt.log_error.empty() ? 1U : 0U;
        CHECK(receipt.record.response_status == (receipt.log_error.empty() ? 200 : 500));
    }
    CHECK(reported_ok == 4);
    // Each recorded delivery is kept with its line as the log wrote it, seq aside; the others
    // with none.
    auto kept = recorder.kept();
    auto lines = recorder.kept_lines();
    REQUIRE(kept.size() == 10);
    REQUIRE(lines.size() == 10);
    for (std::size_t i = 0; i < kept.size(); ++i) {
        if (!kept[i].log_error.empty()) {
            CHECK(lines[i].empty());
            continue;
        }
        log::Record unnumbered = kept[i].record;
        CHECK(unnumbered.seq != 0);
        unnumbered.seq = 0;
        CHECK(lines[i] == log::to_json_line(unnumbered));
    }
    // A sink that cannot read back gives no place.
    for (const auto& place : recorder.kept_places()) {
        CHECK_FALSE(place.has_value());
    }
}

TEST_CASE("each delivery logged in a batch is kept with where the log file holds its line",
          "[listen]") {
    TempDir dir;
    auto writer = log::Writer::open(dir.file("log.jsonl"));
    REQUIRE(writer.has_value());
    testing::FakeClock clock;
    Recorder recorder;
    constexpr int k_deliveries = 12;
    {
        Running running(config_with(writer->get(), clock), recorder);
        std::string pipelined;
        for (int i = 0; i < k_deliveries; ++i) {
            pipelined +=
                post("/" + std::to_string(i), std::string(static_cast<std::size_t>(i), 'b'));
        }
        RawClient client(running.listener.port());
        client.send(pipelined);
        for (int i = 0; i < k_deliveries; ++i) {
            REQUIRE(client.read_response().status == 200);
        }
    }
    auto kept = recorder.kept();
    auto places = recorder.kept_places();
    auto sinks = recorder.kept_sinks();
    REQUIRE(kept.size() == k_deliveries);
    for (std::size_t i = 0; i < kept.size(); ++i) {
        REQUIRE(places[i].has_value());
        CHECK(sinks[i] == writer->get());
        auto line = (*writer)->read_line(*places[i]);
        REQUIRE(line.has_value());
        auto record = log::parse_json_line(*line);
        REQUIRE(record.has_value());
        CHECK(*record == kept[i].record);
        CHECK(record->seq == i + 1);
    }

    // An observer that does not want places gets the line alone.
    Recorder lines_only;
    lines_only.want_places(false);
    {
        Running running(config_with(writer->get(), clock), lines_only);
        RawClient client(running.listener.port());
        client.send(post("/alone", "{}"));
        REQUIRE(client.read_response().status == 200);
    }
    REQUIRE(lines_only.kept().size() == 1);
    CHECK_FALSE(lines_only.kept_places()[0].has_value());
    CHECK_FALSE(lines_only.kept_lines()[0].empty());
}

TEST_CASE("a forwarding listener logs each delivery alone, and a failed write is still a 500",
          "[listen]") {
    FullDisk disk(1);
    testing::FakeClock clock;
    Recorder recorder;
    auto config = config_with(&disk, clock);
    // Nothing listens on port 9: but the log is written before the app is asked, and a full
    // disk answers 500 whatever the app would have said.
    config.respond_rules = {{"*", true, listen::answer_with(202)}};
    config.forward_to = http::parse_url("http://127.0.0.1:9").value();
    Running running(std::move(config), recorder);
    RawClient client(running.listener.port());
    client.send(post("/first", "1"));
    CHECK(client.read_response().status == 202);
    client.send(post("/second", "2"));
    CHECK(client.read_response().status == 500);
    CHECK(disk.recorded() == 1);
}

TEST_CASE("the listener stops after --count deliveries and reports what it served", "[listen]") {
    testing::FakeClock clock;
    Recorder recorder;
    listen::StopWhen when;
    when.count = 2;
    listen::Listener listener(config_with(nullptr, clock), recorder);
    REQUIRE(listener.bind(test_options()).has_value());
    auto outcome = std::async(std::launch::async, [&] { return listener.run(when); });
    RawClient client(listener.port());
    client.send(post("/1", "a") + post("/2", "b"));
    CHECK(client.read_response().status == 200);
    CHECK(client.read_response().status == 200);
    REQUIRE(outcome.wait_for(5s) == std::future_status::ready);
    auto served = outcome.get();
    CHECK_FALSE(served.was_told_to_stop);
    CHECK(served.deliveries == 2);
    CHECK(served.invalid == 0);
    CHECK_FALSE(served.has_timed_out);
    // Each receipt reported is then handed over whole, for an observer that keeps deliveries.
    auto kept = recorder.kept();
    REQUIRE(kept.size() == 2);
    for (const listen::Receipt& receipt : recorder.receipts()) {
        CHECK(std::count_if(kept.begin(), kept.end(), [&](const listen::Receipt& k) {
                  return k.record == receipt.record;
              }) == 1);
    }
}

TEST_CASE("the listener stops at its deadline and says it timed out", "[listen]") {
    testing::FakeClock clock;
    Recorder recorder;
    listen::StopWhen when;
    when.count = 5;
    when.after = 100ms;
    listen::Listener listener(config_with(nullptr, clock), recorder);
    REQUIRE(listener.bind(test_options()).has_value());
    auto started = std::chrono::steady_clock::now();
    auto served = listener.run(when);
    CHECK(served.has_timed_out);
    CHECK(served.deliveries == 0);
    CHECK(elapsed_ms(started) >= 100);
}

TEST_CASE("stop() before run() makes run() return at once; a rejection is reported", "[listen]") {
    testing::FakeClock clock;
    Recorder recorder;
    listen::Listener listener(config_with(nullptr, clock), recorder);
    auto options = test_options();
    options.limits.max_body_bytes = 4;
    REQUIRE(listener.bind(options).has_value());
    auto outcome = std::async(std::launch::async, [&] { return listener.run({}); });
    {
        RawClient client(listener.port());
        client.send(post("/big", "too large"));
        CHECK(client.read_response().status == 413);
    }
    listener.stop();
    REQUIRE(outcome.wait_for(5s) == std::future_status::ready);
    CHECK(outcome.get().deliveries == 0);
    auto rejections = recorder.rejections();
    REQUIRE(rejections.size() == 1);
    CHECK(rejections[0].status == 413);

    listen::Listener idle(config_with(nullptr, clock), recorder);
    REQUIRE(idle.bind(test_options()).has_value());
    idle.stop();
    auto started = std::chrono::steady_clock::now();
    CHECK(idle.run({}).deliveries == 0);
    CHECK(elapsed_ms(started) < 2000);
}

TEST_CASE("the listener stops when its stop predicate turns true (SIGINT, SIGTERM)", "[listen]") {
    testing::FakeClock clock;
    Recorder recorder;
    std::atomic<bool> stop_requested{false};
    listen::StopWhen when;
    when.should_stop = [&stop_requested] { return stop_requested.load(); };
    listen::Listener listener(config_with(nullptr, clock), recorder);
    REQUIRE(listener.bind(test_options()).has_value());
    auto outcome = std::async(std::launch::async, [&] { return listener.run(when); });
    RawClient client(listener.port());
    client.send(post("/1", "a"));
    CHECK(client.read_response().status == 200);
    CHECK(outcome.wait_for(200ms) == std::future_status::timeout); // still serving
    stop_requested = true;
    REQUIRE(outcome.wait_for(5s) == std::future_status::ready);
    auto served = outcome.get();
    CHECK(served.was_told_to_stop);
    CHECK_FALSE(served.has_timed_out);
    CHECK(served.deliveries == 1);
}
