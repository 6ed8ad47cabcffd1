// SPDX-License-Identifier: MIT
// The inspector's store and views through their own interface: numbering, attempts of one id,
// the memory limit; HAR read back by the replay reader; curl commands run by a real bash.
#include "core/inspect/store.hpp"
#include "core/inspect/views.hpp"
#include "core/log/source.hpp"
#include "core/log/writer.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

using namespace hooks;

namespace {

inspect::Entry entry_with(std::optional<std::string> id, std::string body = "{}") {
    inspect::Entry entry;
    entry.record.id = std::move(id);
    entry.record.received_at =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(1'796'000'000'000));
    entry.record.message.target = "/hooks?x=1";
    entry.record.message.headers = {{"Host", "127.0.0.1:8080"},
                                    {"Content-Type", "application/json"}};
    entry.record.message.body = std::move(body);
    return entry;
}

std::vector<std::uint64_t> seqs(const std::vector<inspect::Kept>& entries) {
    std::vector<std::uint64_t> numbers;
    for (const auto& kept : entries) {
        numbers.push_back(kept.seq());
    }
    return numbers;
}

/// The summary row of `entry` as an object keyed by the fields the list answer names.
nlohmann::json summary_of(const inspect::Entry& entry) {
    auto fields = nlohmann::json::parse(inspect::summary_fields_json());
    auto row = nlohmann::json::parse(inspect::summary_row(entry));
    REQUIRE(row.is_array());
    REQUIRE(row.size() == fields.size());
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        object[fields[i].get<std::string>()] = row[i];
    }
    return object;
}

} // namespace

TEST_CASE("the store numbers entries in arrival order and links the attempts of one id",
          "[inspect]") {
    inspect::Store store;
    CHECK(store.last_seq() == 0);
    CHECK(store.add(entry_with("evt_1")) == 1);
    CHECK(store.add(entry_with(std::nullopt)) == 2);
    CHECK(store.add(entry_with("evt_1")) == 3);
    CHECK(store.add(entry_with("evt_2")) == 4);
    CHECK(store.add(entry_with("evt_1")) == 5);

    CHECK(seqs(store.after(0, 100)) == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
    CHECK(seqs(store.after(3, 100)) == std::vector<std::uint64_t>{4, 5});
    CHECK(seqs(store.after(1, 2)) == std::vector<std::uint64_t>{2, 3});
    CHECK(store.after(5, 100).empty());

    auto third = store.find(3);
    REQUIRE(third);
    CHECK(third->attempt() == 2);
    CHECK(third->is_redelivery());
    CHECK(store.find(1)->attempt() == 1);
    CHECK_FALSE(store.find(1)->is_redelivery());
    CHECK(store.find(5)->attempt() == 3);
    CHECK(seqs(store.attempts_of(*third)) == std::vector<std::uint64_t>{1, 3, 5});
    CHECK(seqs(store.attempts_of(*store.find(2))) == std::vector<std::uint64_t>{2});
    CHECK(store.find(0) == std::nullopt);
    CHECK(store.find(6) == std::nullopt);
}

TEST_CASE("beyond its limit the store forgets the oldest entries, and their attempts",
          "[inspect]") {
    inspect::Store store(3);
    for (int i = 0; i < 5; ++i) {
        store.add(entry_with("evt_same"));
    }
    CHECK(store.size() == 3);
    CHECK(store.find(2) == std::nullopt);
    REQUIRE(store.find(3));
    CHECK(store.find(5)->attempt() == 5);
    CHECK(seqs(store.after(0, 100)) == std::vector<std::uint64_t>{3, 4, 5});
    CHECK(seqs(store.attempts_of(*store.find(4))) == std::vector<std::uint64_t>{3, 4, 5});
}

TEST_CASE("the store keeps no more than its byte limit, and always the newest", "[inspect]") {
    inspect::Store probe;
    probe.add(entry_with("a", "1234"));
    std::size_t one = probe.find(1)->bytes();
    CHECK(one > std::string_view("1234").size());

    inspect::Store store(100, 2 * one + one / 2);
    store.add(entry_with("a", "1234"));
    store.add(entry_with("b", "5678"));
    CHECK(store.size() == 2);
    store.add(entry_with("c", "9012"));
    CHECK(seqs(store.after(0, 100)) == std::vector<std::uint64_t>{2, 3});
    store.add(entry_with("d", std::string(4 * one, 'x')));
    CHECK(seqs(store.after(0, 100)) == std::vector<std::uint64_t>{4});
}

TEST_CASE("the store keeps what a plain list under both limits would, as its ring wraps and grows",
          "[inspect]") {
    // A model: every entry in order, dropped from the front as the limits say. The store keeps
    // its entries in a ring of slots that grows up to the count limit; drops under the byte
    // limit leave it part-full and wrapped, so later entries reuse slots and it grows again.
    struct Modelled {
        std::uint64_t seq;
        std::string id;
        std::string body;
        std::size_t bytes;
    };
    constexpr std::size_t k_limit = 12;
    inspect::Store probe;
    probe.add(entry_with("i0", std::string(200, 'b')));
    const std::size_t byte_limit = 5 * probe.find(1)->bytes();
    inspect::Store store(k_limit, byte_limit);
    std::deque<Modelled> model;
    std::size_t model_bytes = 0;
    std::mt19937 random(18); // the same sequence on every run
    for (std::uint64_t seq = 1; seq <= 400; ++seq) {
        std::string id = "i" + std::to_string(random() % 4);
        // Mostly small, now and then large enough to push out several at once.
        std::size_t size = random() % 5 == 0 ? 300 + random() % 500 : random() % 120;
        std::string body = std::to_string(seq) + ":" + std::string(size, 'x');
        REQUIRE(store.add(entry_with(id, body)) == seq);
        std::size_t bytes = store.find(seq)->bytes();
        model.push_back({seq, id, body, bytes});
        model_bytes += bytes;
        while (model.size() > k_limit || (model_bytes > byte_limit && model.size() > 1)) {
            model_bytes -= model.front().bytes;
            model.pop_front();
        }
        INFO("after adding " << seq);
        REQUIRE(store.size() == model.size());
        std::vector<std::uint64_t> expected;
        expected.reserve(model.size());
        for (const auto& kept : model) {
            expected.push_back(kept.seq);
        }
        REQUIRE(seqs(store.after(0, 100)) == expected);
        REQUIRE(seqs(store.after(model.front().seq, 2)) ==
                std::vector<std::uint64_t>(expected.begin() + 1,
                                           expected.begin() +
                                               std::min<std::ptrdiff_t>(3, std::ssize(expected))));
        REQUIRE_FALSE(store.find(model.front().seq - 1));
        for (const auto& kept : model) {
            auto found = store.find(kept.seq);
            REQUIRE(found);
            auto entry = found->entry();
            REQUIRE(entry);
            REQUIRE(entry->record.message.body == kept.body);
            std::vector<std::uint64_t> same_id;
            for (const auto& other : model) {
                if (other.id == kept.id) {
                    same_id.push_back(other.seq);
                }
            }
            REQUIRE(seqs(store.attempts_of(*found)) == same_id);
        }
    }
}

TEST_CASE("a kept entry reads back as the entry it was, and carries its summary", "[inspect]") {
    inspect::Store store;
    inspect::Entry entry = entry_with("evt_1", std::string("{\"a\":\"\xff\xfe\x00\"}", 11));
    entry.record.seq = 42;
    entry.record.remote = "127.0.0.1:5000";
    entry.record.message.method = "PUT";
    entry.record.message.headers.push_back({"x-Mixed-CASE", "  two  spaces "});
    entry.record.message.trailers = {{"X-Trailer", "t"}};
    entry.record.verify = log::VerifyOutcome{"github", false, "signature mismatch"};
    entry.record.response_status = 500;
    entry.provider = "github";
    entry.event_type = "push";
    entry.is_redelivery = true;
    inspect::Entry plain = entry_with(std::nullopt, "");

    REQUIRE(store.add(entry) == 1);
    REQUIRE(store.add(plain) == 2);
    for (std::uint64_t seq : {std::uint64_t{1}, std::uint64_t{2}}) {
        auto kept = store.find(seq);
        REQUIRE(kept);
        auto back = kept->entry();
        REQUIRE(back);
        inspect::Entry& expected = seq == 1 ? entry : plain;
        expected.seq = seq;
        CHECK(back->seq == seq);
        CHECK(back->record == expected.record);
        CHECK(back->record.message.body == expected.record.message.body);
        CHECK(back->provider == expected.provider);
        CHECK(back->event_type == expected.event_type);
        CHECK(back->attempt == 1);
        CHECK(back->is_redelivery == expected.is_redelivery);
        CHECK(kept->summary() == inspect::summary_row(*back));
        CHECK(kept->id() == expected.record.id);
    }
}

TEST_CASE("an entry the log holds is read back from the file, and a changed file is said so",
          "[inspect]") {
    test::TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = log::Writer::open(path);
    REQUIRE(writer.has_value());
    inspect::Entry entry = entry_with("evt_1", std::string("{\"a\":\"\xff\x00\"}", 10));
    entry.record.message.trailers = {{"X-Trailer", "t"}}; // the log does not keep trailers
    entry.provider = "github";
    entry.event_type = "push";
    log::Batch batch;
    batch.ask_place(true);
    batch.add(entry.record);
    batch.add(entry_with("evt_2").record);
    log::BatchResult written = (*writer)->append_batch(batch);
    REQUIRE(written.written == 2);
    REQUIRE(written.first_offset.has_value());
    entry.record.seq = written.first_seq;
    log::Logged logged{batch.line(0),
                       log::Place{*written.first_offset, batch.written_size(0, written.first_seq)},
                       writer->get()};

    inspect::Store store;
    inspect::Store memory_store;
    REQUIRE(store.add(entry, logged) == 1);
    // Given a line alone, the store keeps it in memory.
    REQUIRE(memory_store.add(entry, log::Logged{batch.line(0), std::nullopt, nullptr}) == 1);
    auto in_log = store.find(1);
    auto in_memory = memory_store.find(1);
    CHECK(in_log->is_in_log());
    CHECK_FALSE(in_memory->is_in_log());
    CHECK(in_memory->bytes() == in_log->bytes() + batch.line(0).size());
    for (const auto& kept : {in_log, in_memory}) {
        auto back = kept->entry();
        REQUIRE(back.has_value());
        CHECK(back->record == entry.record);
        CHECK(back->provider == "github");
        CHECK(back->event_type == "push");
    }

    // Truncated: too short. Then written again: the bytes there are another record's.
    std::filesystem::resize_file(path, 0);
    auto shorter = in_log->entry();
    REQUIRE_FALSE(shorter.has_value());
    CHECK(shorter.error().message.ends_with("(was it truncated?)"));
    REQUIRE((*writer)->append_batch(batch).written == 2);
    auto replaced = in_log->entry();
    REQUIRE_FALSE(replaced.has_value());
    CHECK(replaced.error().message == "the log no longer holds record 1 where it was written (was "
                                      "it truncated or replaced?)");
    CHECK(in_memory->entry().has_value());
}

TEST_CASE("the store calls back after each add, outside its lock", "[inspect]") {
    inspect::Store store;
    std::vector<std::uint64_t> seen;
    store.on_added([&] { seen.push_back(store.last_seq()); });
    store.add(entry_with("a"));
    store.add(entry_with("b"));
    CHECK(seen == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("the summary says what the record says", "[inspect]") {
    inspect::Entry entry = entry_with("evt_1", R"({"a":1})");
    entry.seq = 7;
    entry.provider = "stripe";
    entry.event_type = "invoice.paid";
    entry.record.verify = log::VerifyOutcome{"stripe", false, "signature mismatch"};
    entry.record.response_status = 401;
    entry.attempt = 2;
    entry.record.seq = 40;
    auto summary = summary_of(entry);
    CHECK(summary.size() == 15);
    CHECK(summary["seq"] == 7);
    CHECK(summary["log_seq"] == 40);
    CHECK(summary["id"] == "evt_1");
    CHECK(summary["method"] == "POST");
    CHECK(summary["provider"] == "stripe");
    CHECK(summary["attempt"] == 2);
    CHECK(summary["redelivery"] == false);
    CHECK(summary["content_type"] == "application/json");
    CHECK(summary["verdict"] == "invalid");
    CHECK(summary["reason"] == "signature mismatch");
    CHECK(summary["status"] == 401);
    CHECK(summary["size"] == 7);
    CHECK(summary["target"] == "/hooks?x=1");
    CHECK(summary["event_type"] == "invoice.paid");
    CHECK(summary["received_at"] == "2026-11-30T00:53:20.000Z");
    entry.record.verify.reset();
    entry.record.response_status.reset();
    entry.event_type.reset();
    entry.record.seq = 0;
    summary = summary_of(entry);
    CHECK(summary["verdict"] == "unchecked");
    CHECK(summary["status"].is_null());
    CHECK(summary["event_type"].is_null());
    CHECK(summary["log_seq"].is_null());
}

TEST_CASE("the hand-written summary writes what nlohmann writes", "[inspect]") {
    inspect::Entry plain = entry_with(std::nullopt);
    inspect::Entry full = entry_with("evt_\"quoted\"\n", R"({"a":1})");
    full.seq = 123456789;
    full.record.seq = 42;
    full.provider = "stripe";
    full.event_type = "invoice.paid\t\u2028";
    full.attempt = 3;
    full.is_redelivery = true;
    full.record.verify = log::VerifyOutcome{"stripe", true, "matches --secret #1 \x01"};
    full.record.response_status = 503;
    full.record.message.target = "/hooks?q=<img src=x onerror=1>&e=caf\xc3\xa9";
    inspect::Entry broken = full;
    broken.record.message.target = "/bad\xff\xfe/x";
    broken.record.message.headers = {{"Content-Type", "text/\xc3"}};
    for (const inspect::Entry* entry : {&plain, &full, &broken}) {
        std::string fast = inspect::summary_row(*entry);
        CHECK(fast == inspect::detail::summary_row_library(*entry));
        CHECK(nlohmann::json::accept(fast));
    }
}

TEST_CASE("a delivery's HAR document reads back byte-exact through the replay reader",
          "[inspect]") {
    std::string binary("\x00\xff\xfe{\"a\":1}\r\n", 11);
    for (const std::string& body : {std::string(R"({"name":"naïve “quotes” 🚀"})"), binary}) {
        inspect::Entry entry = entry_with("evt_1", body);
        entry.record.message.headers.push_back({"X-Dup", "1"});
        entry.record.message.headers.push_back({"x-dup", "2"});
        entry.record.response_status = 202;
        std::istringstream har(inspect::har_document(entry, "9.9"));
        auto source = log::Source::open(har, "delivery.har");
        REQUIRE(source.has_value());
        CHECK((*source)->format() == log::SourceFormat::har);
        auto read = (*source)->next();
        REQUIRE(read.has_value());
        REQUIRE(read->has_value());
        const log::Record& back = **read;
        CHECK(back.message.body == body);
        CHECK(back.message.method == "POST");
        CHECK(back.message.target == "/hooks?x=1");
        CHECK(back.message.headers == entry.record.message.headers);
        CHECK(back.received_at == entry.record.received_at);
        CHECK(back.response_status == 202);
    }
}

namespace {

/// The arguments a real bash passes to curl when it runs `command`, NUL-separated.
std::string arguments_of(const std::string& command) {
    std::string script = "curl() { printf '%s\\0' \"$@\"; }\n" + command + "\n";
    std::string path = "/tmp/hooks-curl-test-" + std::to_string(::getpid()) + ".sh";
    {
        std::FILE* file = std::fopen(path.c_str(), "wb");
        REQUIRE(file != nullptr);
        std::fwrite(script.data(), 1, script.size(), file);
        std::fclose(file);
    }
    std::FILE* pipe = ::popen(("bash " + path).c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        out.append(buffer, got);
    }
    ::pclose(pipe);
    std::remove(path.c_str());
    return out;
}

std::string nul_joined(const std::vector<std::string>& words) {
    std::string joined;
    for (const std::string& word : words) {
        joined += word;
        joined += '\0';
    }
    return joined;
}

} // namespace

TEST_CASE("copy as curl gives curl the exact method, URL, headers and body bytes", "[inspect]") {
    const char raw[] = "it's \"quoted\" \\ $HOME `x` \n\x01\xff\xc3\xa9 end";
    std::string body(raw, sizeof raw - 1);
    log::Record record = entry_with("evt_1", body).record;
    record.message.method = "PUT";
    record.message.headers = {{"Host", "example.test:9000"},
                              {"X-Quote", "a'b"},
                              {"X-Empty", ""},
                              {"Content-Length", std::to_string(body.size())},
                              {"Connection", "keep-alive"},
                              {"X-Utf8", "caf\xc3\xa9"}};
    std::string expected = nul_joined(
        {"--request", "PUT", "--url", "http://example.test:9000/hooks?x=1", "--header",
         "X-Quote: a'b", "--header", "X-Empty;", "--header", "X-Utf8: caf\xc3\xa9", "--header",
         "Accept:", "--header", "User-Agent:", "--header", "Content-Type:", "--data-binary", body});
    CHECK(arguments_of(inspect::curl_command(record)) == expected);
}
