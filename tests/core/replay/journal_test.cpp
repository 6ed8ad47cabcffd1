// SPDX-License-Identifier: MIT
#include "core/replay/journal.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace hooks;
using hooks::replay::Journal;
using hooks::replay::Previous;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), {}};
}

Previous previous_of(const Journal& journal, std::uint64_t index, const std::string& body) {
    auto previous = journal.previous(index, replay::body_hash(body));
    INFO((previous ? std::string() : previous.error().message));
    REQUIRE(previous.has_value());
    return *previous;
}

} // namespace

TEST_CASE("journal records outcomes and a reopened one knows them", "[replay]") {
    test::TempDir dir;
    std::string path = dir.file("replay.journal");
    {
        auto journal = Journal::open(path, "http://127.0.0.1:9/");
        REQUIRE(journal.has_value());
        CHECK(previous_of(**journal, 1, "a") == Previous::none);
        REQUIRE((*journal)->record(1, replay::body_hash("a"), true, 204, 1).has_value());
        REQUIRE((*journal)->record(2, replay::body_hash("b"), false, 500, 4).has_value());
        REQUIRE((*journal)->record(3, replay::body_hash("c"), false, std::nullopt, 2).has_value());
        REQUIRE((*journal)->record(3, replay::body_hash("c"), true, 200, 1).has_value());
    }
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);
    CHECK(slurp(path).starts_with(R"({"journal":"hooks replay","to":"http://127.0.0.1:9/","v":1})"
                                  "\n"
                                  R"({"i":1,"h":")" +
                                  replay::body_hash("a") +
                                  R"(","ok":true,"status":204,"attempts":1})"));
    auto journal = Journal::open(path, "http://127.0.0.1:9/");
    REQUIRE(journal.has_value());
    CHECK((*journal)->loaded_acknowledged() == 2);
    CHECK((*journal)->loaded_failed() == 1);
    CHECK(previous_of(**journal, 1, "a") == Previous::acknowledged);
    CHECK(previous_of(**journal, 2, "b") == Previous::failed);
    CHECK(previous_of(**journal, 3, "c") == Previous::acknowledged); // acknowledged wins
    CHECK(previous_of(**journal, 4, "d") == Previous::none);
    CHECK((*journal)->note().empty());
}

TEST_CASE("journal notices another log and another destination", "[replay]") {
    test::TempDir dir;
    std::string path = dir.file("j");
    {
        auto journal = Journal::open(path, "http://a/");
        REQUIRE(journal.has_value());
        REQUIRE((*journal)->record(5, replay::body_hash("five"), true, 200, 1).has_value());
    }
    auto other_destination = Journal::open(path, "http://b/");
    REQUIRE_FALSE(other_destination.has_value());
    CHECK(other_destination.error().kind == ErrorKind::usage);
    CHECK(other_destination.error().message ==
          path + " is the journal of a replay to http://a/, not http://b/: give another --journal");
    auto journal = Journal::open(path, "http://a/");
    REQUIRE(journal.has_value());
    auto mismatch = (*journal)->previous(5, replay::body_hash("not five"));
    REQUIRE_FALSE(mismatch.has_value());
    CHECK(mismatch.error().message.find("record 5 is not the one journaled") != std::string::npos);
}

TEST_CASE("journal cuts a torn last line and rejects a corrupt one", "[replay]") {
    test::TempDir dir;
    std::string path = dir.file("j");
    {
        auto journal = Journal::open(path, "http://a/");
        REQUIRE(journal.has_value());
        REQUIRE((*journal)->record(1, replay::body_hash("x"), true, 200, 1).has_value());
    }
    std::string whole = slurp(path);
    std::ofstream(path, std::ios::app) << R"({"i":2,"h":"00)";
    auto journal = Journal::open(path, "http://a/");
    REQUIRE(journal.has_value());
    CHECK((*journal)->note() == path + ": removed a torn last line of 14 bytes");
    CHECK((*journal)->loaded_acknowledged() == 1);
    CHECK(slurp(path) == whole);
    journal->reset();

    std::ofstream(path, std::ios::app) << "garbage\n";
    auto corrupt = Journal::open(path, "http://a/");
    REQUIRE_FALSE(corrupt.has_value());
    CHECK(corrupt.error().message == path + ":3: not a journal entry");

    std::string other = dir.file("not-a-journal");
    std::ofstream(other) << R"({"v":1,"seq":1})" << '\n';
    auto wrong = Journal::open(other, "http://a/");
    REQUIRE_FALSE(wrong.has_value());
    CHECK(wrong.error().message == other + ":1: not a hooks replay journal");
}
