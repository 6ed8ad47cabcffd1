// SPDX-License-Identifier: MIT
#include "core/replay/engine.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_replay_transport.hpp"
#include "support/provider_fixtures.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>

using namespace hooks;
using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeReplayTransport;

namespace {

/// A record as `hooks listen --log` keeps it: POST /hooks/SEQ with `body`.
log::Record make_record(std::uint64_t seq, std::string body) {
    log::Record record;
    record.seq = seq;
    record.id = "msg_" + std::to_string(seq);
    record.received_at = std::chrono::system_clock::time_point(1'690'000'000s);
    record.remote = "127.0.0.1:40000";
    record.message.method = "POST";
    record.message.target = "/hooks/" + std::to_string(seq);
    record.message.headers = {{"Content-Type", "application/json"},
                              {"X-Original", "kept " + std::to_string(seq)}};
    record.message.body = std::move(body);
    return record;
}

std::vector<log::Record> make_records(std::uint64_t count) {
    std::vector<log::Record> records;
    for (std::uint64_t seq = 1; seq <= count; ++seq) {
        records.push_back(make_record(seq, R"({"n":)" + std::to_string(seq) + "}"));
    }
    return records;
}

std::string log_text(const std::vector<log::Record>& records) {
    std::string text;
    for (const log::Record& record : records) {
        text += log::to_json_line(record);
    }
    return text;
}

/// A plan to http://127.0.0.1:9 (recorded paths), retrying after 1 s and then 5 s, no jitter.
replay::Plan make_plan() {
    replay::Plan plan;
    plan.destination = *http::parse_url("http://127.0.0.1:9");
    plan.schedule.name = "custom";
    plan.schedule.delays = {1s, 5s};
    return plan;
}

/// What the engine reported, kept for the checks.
class RecordingObserver final : public replay::Observer {
  public:
    struct Finished {
        std::uint64_t index = 0;
        bool is_delivered = false;
        int attempts = 0;
        std::optional<int> status;
        std::string reason;
    };

    void on_journal_opened(const replay::Journal& journal) override {
        journal_loaded = {journal.loaded_acknowledged(), journal.loaded_failed()};
    }
    void on_first_delivery(const replay::SelectedRecord& first) override {
        first_deliveries.push_back(first.index);
    }
    void on_finished(const replay::SelectedRecord& selected,
                     const replay::Outcome& outcome) override {
        finished.push_back({selected.index, outcome.is_delivered, outcome.attempts, outcome.status,
                            outcome.reason});
        finished_count = finished.size();
    }
    void on_planned(std::uint64_t index, const Result<message::Message>& request) override {
        planned.push_back(index);
        CHECK(request.has_value());
    }

    std::optional<std::pair<std::uint64_t, std::uint64_t>> journal_loaded;
    std::vector<std::uint64_t> first_deliveries;
    std::vector<Finished> finished;
    std::atomic<std::size_t> finished_count = 0;
    std::vector<std::uint64_t> planned;
};

/// Replays `records` with `plan` through `transport`; the summary (required to succeed).
replay::Summary replay_records(const std::vector<log::Record>& records, const replay::Plan& plan,
                               FakeClock& clock, const FakeReplayTransport& transport,
                               replay::Observer& observer, std::function<bool()> should_stop = {}) {
    std::istringstream input(log_text(records));
    auto source = log::Source::open(input, "test.jsonl");
    REQUIRE(source.has_value());
    replay::Environment environment{clock, transport, std::move(should_stop)};
    auto summary = replay::run(**source, plan, replay::SourceProgress(), environment, observer);
    INFO((summary ? std::string() : summary.error().message));
    REQUIRE(summary.has_value());
    return std::move(*summary);
}

/// A request as it went on the wire, read back: request line, headers, body.
message::Message parse_wire(const std::string& bytes) {
    message::Message message;
    auto head_end = bytes.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    std::istringstream head(bytes.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    auto first_space = line.find(' ');
    message.method = line.substr(0, first_space);
    message.target = line.substr(first_space + 1, line.rfind(' ') - first_space - 1);
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        auto colon = line.find(':');
        message.headers.push_back({line.substr(0, colon), line.substr(colon + 2)});
    }
    message.body = bytes.substr(head_end + 4);
    return message;
}

} // namespace

TEST_CASE("replay retries as the schedule says and reports a record failed once it is exhausted",
          "[replay]") {
    FakeClock clock;
    FakeReplayTransport transport(clock, [](std::uint64_t tag, int) {
        return FakeReplayTransport::answer(tag == 2 ? 503 : 204);
    });
    RecordingObserver observer;
    auto summary = replay_records(make_records(3), make_plan(), clock, transport, observer);

    CHECK(transport.waits() == std::vector<std::chrono::milliseconds>{1s, 5s});
    CHECK(transport.sent().size() == 5); // 1, 2 three times, 3
    CHECK(transport.started() == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(summary.delivered == 2);
    CHECK(summary.failed == 1);
    CHECK(summary.failures == std::map<std::string, std::uint64_t>{{"HTTP 503", 1}});
    CHECK(summary.read.read == 3);
    CHECK_FALSE(summary.is_interrupted);
    CHECK_FALSE(summary.read_error);
    // Elapsed time is the clock's: the fake one moved only by the two waits.
    CHECK(summary.elapsed == std::chrono::duration<double>(6.0));
    REQUIRE(observer.finished.size() == 1); // only failures without is_every_outcome_reported
    CHECK(observer.finished[0].index == 2);
    CHECK_FALSE(observer.finished[0].is_delivered);
    CHECK(observer.finished[0].attempts == 3);
    CHECK(observer.finished[0].status == 503);
    CHECK_THAT(observer.finished[0].reason, Catch::Contains("exhausted"));
    CHECK(observer.first_deliveries == std::vector<std::uint64_t>{1});
}

TEST_CASE("replay delivers a record whose retry succeeds and reports every outcome when asked",
          "[replay]") {
    FakeClock clock;
    FakeReplayTransport transport(clock, [](std::uint64_t tag, int attempt) {
        return FakeReplayTransport::answer(tag == 1 && attempt == 1 ? 500 : 200);
    });
    RecordingObserver observer;
    replay::Plan plan = make_plan();
    plan.is_every_outcome_reported = true;
    auto summary = replay_records(make_records(2), plan, clock, transport, observer);

    CHECK(transport.waits() == std::vector<std::chrono::milliseconds>{1s});
    CHECK(summary.delivered == 2);
    CHECK(summary.failed == 0);
    CHECK(summary.failures.empty());
    REQUIRE(observer.finished.size() == 2);
    CHECK(observer.finished[0].index == 1);
    CHECK(observer.finished[0].attempts == 2);
    CHECK(observer.finished[0].is_delivered);
    CHECK(observer.finished[1].attempts == 1);
}

TEST_CASE("replay stops retrying a record at 410 Gone", "[replay]") {
    FakeClock clock;
    FakeReplayTransport transport(clock, [](std::uint64_t tag, int) {
        return FakeReplayTransport::answer(tag == 1 ? 410 : 204);
    });
    RecordingObserver observer;
    auto summary = replay_records(make_records(2), make_plan(), clock, transport, observer);

    CHECK(transport.waits().empty());
    CHECK(transport.sent().size() == 2);
    CHECK(summary.delivered == 1);
    CHECK(summary.failed == 1);
    CHECK(summary.failures == std::map<std::string, std::uint64_t>{{"HTTP 410", 1}});
    REQUIRE(observer.finished.size() == 1);
    CHECK(observer.finished[0].attempts == 1);
    CHECK_THAT(observer.finished[0].reason, Catch::Contains("410"));
}

TEST_CASE("replay to a destination that never answers reports every record failed", "[replay]") {
    FakeClock clock;
    FakeReplayTransport transport(clock, [](std::uint64_t, int) {
        return FakeReplayTransport::no_answer(http::Failure::connect);
    });
    RecordingObserver observer;
    auto summary = replay_records(make_records(4), make_plan(), clock, transport, observer);

    CHECK(transport.sent().size() == 12); // three attempts each
    CHECK(summary.delivered == 0);
    CHECK(summary.failed == 4);
    CHECK(summary.failures == std::map<std::string, std::uint64_t>{{"connect", 4}});
    REQUIRE(observer.finished.size() == 4);
    for (const auto& finished : observer.finished) {
        CHECK_FALSE(finished.is_delivered);
        CHECK_FALSE(finished.status);
        CHECK_THAT(finished.reason, Catch::StartsWith("fake failure; "));
    }
}

TEST_CASE("replay stopped after some records starts no new one and summarises what it did",
          "[replay]") {
    FakeClock clock;
    FakeReplayTransport transport(clock);
    RecordingObserver observer;
    replay::Plan plan = make_plan();
    plan.is_every_outcome_reported = true;
    auto summary = replay_records(make_records(10), plan, clock, transport, observer,
                                  [&observer] { return observer.finished_count >= 3; });

    CHECK(transport.started() == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(summary.delivered == 3);
    CHECK(summary.failed == 0);
    CHECK(summary.is_interrupted);
}

TEST_CASE("replay stopped while a record waits for its retry does not count it", "[replay]") {
    FakeClock clock;
    FakeReplayTransport transport(clock, [](std::uint64_t tag, int) {
        return FakeReplayTransport::answer(tag == 2 ? 503 : 204);
    });
    RecordingObserver observer;
    auto summary = replay_records(make_records(5), make_plan(), clock, transport, observer,
                                  [&transport] { return transport.sent().size() >= 2; });

    CHECK(transport.started() == std::vector<std::uint64_t>{1, 2});
    CHECK(transport.waits().empty());
    CHECK(summary.delivered == 1);
    CHECK(summary.failed == 0);
    CHECK(summary.is_interrupted);
    CHECK(observer.finished.empty());
}

TEST_CASE("replay resumed from its journal sends exactly what was not acknowledged", "[replay]") {
    test::TempDir dir;
    replay::Plan plan = make_plan();
    plan.schedule.delays.clear();
    plan.journal_path = dir.file("replay.journal");
    auto records = make_records(8);
    FakeClock clock;
    {
        // Record 3 fails; the run is stopped after 6 records.
        FakeReplayTransport transport(clock, [](std::uint64_t tag, int) {
            return FakeReplayTransport::answer(tag == 3 ? 500 : 204);
        });
        RecordingObserver observer;
        plan.is_every_outcome_reported = true;
        auto first = replay_records(records, plan, clock, transport, observer,
                                    [&observer] { return observer.finished_count >= 6; });
        CHECK(transport.started() == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6});
        CHECK(first.delivered == 5);
        CHECK(first.failed == 1);
        CHECK(first.is_interrupted);
        REQUIRE(observer.journal_loaded.has_value());
        CHECK(*observer.journal_loaded == std::pair<std::uint64_t, std::uint64_t>{0, 0});
    }
    FakeReplayTransport transport(clock);
    RecordingObserver observer;
    auto second = replay_records(records, plan, clock, transport, observer);
    CHECK(transport.started() == std::vector<std::uint64_t>{3, 7, 8});
    std::vector<std::string> targets;
    for (const auto& sent : transport.sent()) {
        targets.push_back(parse_wire(sent.bytes).target);
    }
    CHECK(targets == std::vector<std::string>{"/hooks/3", "/hooks/7", "/hooks/8"});
    REQUIRE(observer.journal_loaded.has_value());
    CHECK(*observer.journal_loaded == std::pair<std::uint64_t, std::uint64_t>{5, 1});
    CHECK(second.read.acknowledged_before == 5);
    CHECK(second.delivered == 3);
    CHECK(second.failed == 0);
    CHECK_FALSE(second.is_interrupted);
}

TEST_CASE("replay signs afresh with the clock's time, each retry at its own time", "[replay]") {
    const std::string secret = "whsec_c2VjcmV0";
    replay::Plan plan = make_plan();
    plan.scheme = &testing::builtin_provider("standard");
    plan.secrets = {{secret, "test"}};
    FakeClock clock(std::chrono::system_clock::time_point(1'700'000'000s));
    FakeReplayTransport transport(clock, [](std::uint64_t, int attempt) {
        return FakeReplayTransport::answer(attempt == 1 ? 503 : 204);
    });
    RecordingObserver observer;
    auto summary = replay_records(make_records(1), plan, clock, transport, observer);

    CHECK(summary.delivered == 1);
    auto sent = transport.sent();
    REQUIRE(sent.size() == 2);
    message::Message first = parse_wire(sent[0].bytes);
    message::Message retry = parse_wire(sent[1].bytes);
    CHECK(first.first_header("webhook-timestamp") == "1700000000");
    CHECK(retry.first_header("webhook-timestamp") == "1700000001"); // after the 1 s wait
    CHECK(first.first_header("webhook-id") == "msg_1");
    CHECK(retry.first_header("webhook-id") == "msg_1");
    CHECK(first.first_header("X-Original") == "kept 1");
    CHECK(testing::verify_with("standard", first, {secret}, 1'700'000'000).is_valid);
    CHECK(testing::verify_with("standard", retry, {secret}, 1'700'000'001).is_valid);
}

TEST_CASE("replay sends bodies byte-exact, binary and large ones included", "[replay]") {
    std::vector<log::Record> records;
    records.push_back(make_record(1, std::string("a\0b\r\n\xff\xfe tail", 12)));
    records.push_back(make_record(2, ""));
    std::string large(200'000, 'x');
    for (std::size_t i = 0; i < large.size(); i += 7) {
        large[i] = static_cast<char>(i % 256);
    }
    records.push_back(make_record(3, large));
    records.push_back(make_record(4, R"({"unicode":"\u00e9 é  ","spaces" :  [ 1 ,2 ]})"));
    FakeClock clock;
    FakeReplayTransport transport(clock);
    RecordingObserver observer;
    auto summary = replay_records(records, make_plan(), clock, transport, observer);

    CHECK(summary.delivered == records.size());
    auto sent = transport.sent();
    REQUIRE(sent.size() == records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        message::Message message = parse_wire(sent[i].bytes);
        CHECK(message.body == records[i].message.body);
        CHECK(message.method == "POST");
        CHECK(message.target == records[i].message.target);
        CHECK(message.first_header("Content-Length") ==
              std::to_string(records[i].message.body.size()));
    }
}

TEST_CASE("replay writes the records that finally failed as a log to replay later", "[replay]") {
    test::TempDir dir;
    replay::Plan plan = make_plan();
    plan.schedule.delays.clear();
    plan.failed_path = dir.file("failed.jsonl");
    auto records = make_records(4);
    FakeClock clock;
    FakeReplayTransport transport(clock, [](std::uint64_t tag, int) {
        return FakeReplayTransport::answer(tag % 2 == 0 ? 502 : 204);
    });
    RecordingObserver observer;
    auto summary = replay_records(records, plan, clock, transport, observer);
    CHECK(summary.failed == 2);

    std::ifstream file(plan.failed_path, std::ios::binary);
    auto source = log::Source::open(file, plan.failed_path);
    REQUIRE(source.has_value());
    std::vector<std::string> bodies;
    while (true) {
        auto record = (*source)->next();
        REQUIRE(record.has_value());
        if (!*record) {
            break;
        }
        bodies.push_back((*record)->message.body);
    }
    CHECK(bodies == std::vector<std::string>{records[1].message.body, records[3].message.body});
}

TEST_CASE("replay reports what it sent before a corrupt line", "[replay]") {
    std::string text = log_text(make_records(2)) + "{not json\n" + log_text({make_record(3, "")});
    std::istringstream input(text);
    auto source = log::Source::open(input, "test.jsonl");
    REQUIRE(source.has_value());
    FakeClock clock;
    FakeReplayTransport transport(clock);
    RecordingObserver observer;
    replay::Environment environment{clock, transport, {}};
    auto summary =
        replay::run(**source, make_plan(), replay::SourceProgress(), environment, observer);
    REQUIRE(summary.has_value());
    REQUIRE(summary->read_error.has_value());
    CHECK(summary->read.corrupt_line == 3);
    CHECK(summary->delivered == 2);
    CHECK(transport.started() == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("replay's dry run lists the selected records and sends nothing", "[replay]") {
    auto records = make_records(5);
    std::istringstream input(log_text(records));
    auto source = log::Source::open(input, "test.jsonl");
    REQUIRE(source.has_value());
    replay::Plan plan = make_plan();
    auto filter = replay::Filter::parse({"seq=2-4"}, std::chrono::system_clock::now());
    REQUIRE(filter.has_value());
    plan.filter = std::move(*filter);
    FakeClock clock;
    RecordingObserver observer;
    auto totals = replay::dry_run(**source, plan, clock, observer);
    REQUIRE(totals.has_value());
    CHECK(totals->selected == 3);
    CHECK(totals->read.read == 5);
    CHECK(totals->read.filtered_out == 2);
    CHECK(observer.planned == std::vector<std::uint64_t>{2, 3, 4});
}

TEST_CASE("replay reports progress now and then, timed by its clock", "[replay]") {
    std::mutex mutex;
    std::condition_variable reported;
    std::vector<replay::Progress> snapshots;
    class ProgressObserver final : public replay::Observer {
      public:
        ProgressObserver(std::mutex& mutex, std::condition_variable& reported,
                         std::vector<replay::Progress>& snapshots)
            : m_mutex(mutex), m_reported(reported), m_snapshots(snapshots) {}
        void on_progress(const replay::Progress& progress) override {
            std::lock_guard lock(m_mutex);
            m_snapshots.push_back(progress);
            m_reported.notify_all();
        }

      private:
        std::mutex& m_mutex;
        std::condition_variable& m_reported;
        std::vector<replay::Progress>& m_snapshots;
    } observer(mutex, reported, snapshots);

    FakeClock clock;
    // Record 2's answer waits for a progress report, record 1 delivered and 3 s gone by.
    FakeReplayTransport transport(clock, [&](std::uint64_t tag, int) {
        if (tag == 2) {
            clock.advance(3s);
            std::unique_lock lock(mutex);
            reported.wait_for(lock, 10s, [&] {
                return !snapshots.empty() && snapshots.back().elapsed.count() >= 3;
            });
        }
        return FakeReplayTransport::answer(204);
    });
    replay::Plan plan = make_plan();
    plan.progress_period = 5ms;
    replay::SourceProgress progress{1234, [] { return std::uint64_t{617}; }};
    std::istringstream input(log_text(make_records(3)));
    auto source = log::Source::open(input, "test.jsonl");
    REQUIRE(source.has_value());
    replay::Environment environment{clock, transport, {}};
    auto summary = replay::run(**source, plan, progress, environment, observer);
    REQUIRE(summary.has_value());
    CHECK(summary->delivered == 3);

    std::lock_guard lock(mutex);
    // The first report taken while record 2 waited.
    auto waiting =
        std::find_if(snapshots.begin(), snapshots.end(),
                     [](const replay::Progress& taken) { return taken.elapsed.count() >= 3; });
    REQUIRE(waiting != snapshots.end());
    const replay::Progress& first = *waiting;
    CHECK(first.delivered == 1);
    CHECK(first.failed == 0);
    CHECK(first.retrying == 0);
    CHECK(first.log_size == std::optional<std::uint64_t>(1234));
    CHECK(first.bytes_read == 617);
    CHECK(first.elapsed == std::chrono::duration<double>(3.0));
}
