// SPDX-License-Identifier: MIT
#include "support/cli_runner.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using hooks::testing::CliEnvironment;
using hooks::testing::run_cli;

namespace {
const std::string k_body = R"({"id":"evt_1","type":"invoice.paid"})";

std::string signature_for(const std::string& provider, const std::string& secret,
                          const std::string& body = k_body) {
    CliEnvironment environment;
    environment.stdin_text = body;
    auto result = run_cli({"sign", "--provider", provider, "--secret", secret, "--id", "msg_1",
                           "--timestamp", "1700000000", "-"},
                          environment);
    REQUIRE(result.exit_code == 0);
    return result.out;
}

std::vector<std::string> header_flags(const std::string& header_lines) {
    std::vector<std::string> flags;
    size_t start = 0;
    while (start < header_lines.size()) {
        size_t end = header_lines.find('\n', start);
        flags.push_back("-H");
        flags.push_back(header_lines.substr(start, end - start));
        start = end + 1;
    }
    return flags;
}

struct TempFile {
    explicit TempFile(const std::string& contents) {
        path = std::filesystem::temp_directory_path() /
               ("hooks-cli-test-" + std::to_string(std::rand()) + ".txt");
        std::ofstream(path, std::ios::binary) << contents;
    }
    ~TempFile() { std::filesystem::remove(path); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    std::filesystem::path path;
};

hooks::testing::CliResult verify(std::vector<std::string> args, const std::string& body = k_body,
                                 long long now = 1'700'000'010) {
    return hooks::testing::run_with_body("verify", std::move(args), body, now);
}
} // namespace

TEST_CASE("verify exits 0 and names the provider and secret for a valid delivery", "[cli]") {
    auto args = header_flags(signature_for("stripe", "whsec_abc"));
    args.insert(args.end(), {"--secret", "whsec_abc"});
    auto result = verify(args);
    CHECK(result.exit_code == 0);
    CHECK(result.out == "valid: stripe signature in Stripe-Signature matches --secret #1 "
                        "(sent 10 s ago) (provider from Stripe-Signature)\n");
    CHECK(result.err.empty());
    args.insert(args.end(), {"--provider", "stripe"});
    CHECK(verify(args).out == "valid: stripe signature in Stripe-Signature matches --secret #1 "
                              "(sent 10 s ago)\n");
}

TEST_CASE("verify exits 1 with one line for a tampered body", "[cli]") {
    auto args = header_flags(signature_for("github", "s"));
    args.insert(args.end(), {"--provider", "github", "--secret", "s"});
    auto result = verify(args, k_body + " ");
    CHECK(result.exit_code == 1);
    CHECK(result.out == "invalid: signature mismatch: X-Hub-Signature-256 does not match the "
                        "secret from --secret #1\n");
}

TEST_CASE("verify reports the skew of an expired delivery", "[cli]") {
    auto args = header_flags(signature_for("standard", "whsec_c2VjcmV0"));
    args.insert(args.end(), {"--secret", "whsec_c2VjcmV0"});
    auto result = verify(args, k_body, 1'700'000'000 + 400);
    CHECK(result.exit_code == 1);
    CHECK(result.out == "invalid: timestamp too old: sent 400 s ago, tolerance 300 s\n");
    args.insert(args.end(), {"--tolerance", "0"});
    CHECK(verify(args, k_body, 1'700'000'000 + 400).exit_code == 0);
    args.insert(args.end(), {"--now", "1700000001"});
    CHECK(verify(args, k_body, 1'700'000'000 + 400).exit_code == 0);
}

TEST_CASE("verify --json prints one stable object", "[cli]") {
    auto args = header_flags(signature_for("codenx", "s"));
    args.insert(args.end(), {"--secret", "wrong", "--json"});
    auto result = verify(args);
    CHECK(result.exit_code == 1);
    auto document = nlohmann::json::parse(result.out);
    CHECK(document["v"] == 1);
    CHECK(document["valid"] == false);
    CHECK(document["provider"] == "codenx");
    CHECK(document["check"] == "signature");
    CHECK(document["matched_secret"].is_null());
}

TEST_CASE("verify --explain prints the result line first, then the diagnosis", "[cli]") {
    auto args = header_flags(signature_for("github", "s"));
    args.insert(args.end(), {"--secret", "s", "--explain"});
    auto result = verify(args, k_body + "\n");
    CHECK(result.exit_code == 1);
    CHECK(result.out.rfind("invalid: signature mismatch", 0) == 0);
    CHECK_THAT(result.out, Catch::Contains("signed content: <37-byte body>") &&
                               Catch::Contains("without its trailing newline"));
}

TEST_CASE("verify with no known signature header exits 1", "[cli]") {
    auto result = verify({"-H", "Content-Type: application/json", "--secret", "s"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::StartsWith("invalid: no known signature header found"));
}

TEST_CASE("verify usage and input errors exit 2 with one line on stderr", "[cli]") {
    auto missing_secret = verify({"-H", "X-Hub-Signature-256: sha256=00"});
    CHECK(missing_secret.exit_code == 2);
    CHECK_THAT(missing_secret.err, Catch::StartsWith("hooks: error: no secret"));
    auto bad_header = verify({"-H", "no colon", "--secret", "s"});
    CHECK(bad_header.exit_code == 2);
    auto unknown = verify({"--provider", "nope", "--secret", "s"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Catch::Contains("unknown provider 'nope'"));
    auto bad_flag = verify({"--bogus"});
    CHECK(bad_flag.exit_code == 2);
    auto bad_tolerance = verify({"--tolerance", "-5", "--secret", "s"});
    CHECK(bad_tolerance.exit_code == 2);
    auto bad_key =
        verify({"--provider", "standard", "--secret", "whsec_!!", "-H", "webhook-signature: v1,AA",
                "-H", "webhook-id: m", "-H", "webhook-timestamp: 1700000000"});
    CHECK(bad_key.exit_code == 2);
    CHECK(std::count(bad_key.err.begin(), bad_key.err.end(), '\n') == 1);
    auto unreadable = run_cli({"verify", "--secret", "s", "/nonexistent/body.json"});
    CHECK(unreadable.exit_code == 2);
    CHECK_THAT(unreadable.err, Catch::Contains("cannot read /nonexistent/body.json"));
}

TEST_CASE("verify refuses to wait for a body on a terminal", "[cli]") {
    CliEnvironment environment;
    environment.is_stdin_tty = true;
    auto result = run_cli({"verify", "--secret", "s"}, environment);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("no body given"));
}

TEST_CASE("secrets come from files, variables and HOOKS_SECRET, several for rotation", "[cli]") {
    auto args = header_flags(signature_for("cognexia", "current"));
    TempFile file("current\n");
    auto from_file = args;
    from_file.insert(from_file.end(), {"--secret", "old", "--secret-file", file.path.string()});
    auto result = verify(from_file);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("matches --secret-file " + file.path.string()));

    CliEnvironment environment;
    environment.stdin_text = k_body;
    environment.variables["MY_SECRET"] = "current";
    auto from_env = args;
    from_env.insert(from_env.begin(), "verify");
    from_env.insert(from_env.end(), {"--secret-env", "MY_SECRET", "-"});
    CHECK(run_cli(from_env, environment).exit_code == 0);

    environment.variables = {{"HOOKS_SECRET", "current"}};
    auto from_default = args;
    from_default.insert(from_default.begin(), "verify");
    from_default.push_back("-");
    CHECK(run_cli(from_default, environment).exit_code == 0);

    auto unset = args;
    unset.insert(unset.end(), {"--secret-env", "UNSET_VARIABLE"});
    auto unset_result = verify(unset);
    CHECK(unset_result.exit_code == 2);
    CHECK_THAT(unset_result.err, Catch::Contains("UNSET_VARIABLE is not set"));
}

TEST_CASE("an empty secret file is an input error", "[cli]") {
    TempFile file("\n");
    auto result = verify({"--secret-file", file.path.string(), "-H", "x-codenx-signature: 00"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("is empty"));
}

TEST_CASE("a headers file from a request dump is read with its request line", "[cli]") {
    std::string headers = signature_for("centrali", "s");
    TempFile dump("POST /webhooks HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n");
    auto result = verify({"--headers-file", dump.path.string(), "--secret", "s"});
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("centrali"));
}

TEST_CASE("a headers file of curl -v output or an HTTP/2 copy verifies", "[cli]") {
    std::string headers = signature_for("centrali", "s"); // "Name: value\r\n"
    std::string name = headers.substr(0, headers.find(':'));
    std::string value = headers.substr(headers.find(": ") + 2);
    value = value.substr(0, value.find('\r'));
    TempFile curl("*   Trying 127.0.0.1:3000...\n> POST /webhooks HTTP/1.1\r\n"
                  "> Host: 127.0.0.1:3000\r\n> " +
                  name + ": " + value + "\r\n> \r\n< HTTP/1.1 401 Unauthorized\r\n< \r\n");
    auto from_curl = verify({"--headers-file", curl.path.string(), "--secret", "s"});
    CHECK(from_curl.exit_code == 0);
    CHECK_THAT(from_curl.out, Catch::Contains("centrali"));
    TempFile http2(":method: POST\n:path: /webhooks\n:authority: example.test\n" + name + ": " +
                   value + "\n");
    auto from_http2 = verify({"--headers-file", http2.path.string(), "--secret", "s"});
    CHECK(from_http2.exit_code == 0);
}

TEST_CASE("two differing signature headers exit 1 as ambiguous", "[cli]") {
    auto result =
        verify({"--provider", "github", "--secret", "s", "-H", "X-Hub-Signature-256: sha256=00",
                "-H", "X-Hub-Signature-256: sha256=11"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::Contains("2 differing X-Hub-Signature-256 headers"));
}

TEST_CASE("body and secret cannot both come from stdin", "[cli]") {
    auto result = verify({"--secret-file", "-", "-H", "x-codenx-signature: 00"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains("read only once"));
}

TEST_CASE("verify --explain names the provider whose header is present", "[cli]") {
    auto args = header_flags(signature_for("stripe", "s"));
    args.insert(args.end(), {"--provider", "github", "--secret", "s", "--explain"});
    auto result = verify(args);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::Contains("missing header X-Hub-Signature-256") &&
                               Catch::Contains("try --provider stripe"));
}
