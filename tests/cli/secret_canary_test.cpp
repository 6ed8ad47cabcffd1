// SPDX-License-Identifier: MIT
// The secret canary: known secrets are fed through every output mode and error path of `sign`,
// `verify` and `providers`, and none of them may appear in stdout or stderr, not even in part.
#include "core/crypto/ed25519.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "support/cli_runner.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using hooks::testing::CliEnvironment;
using hooks::testing::CliResult;
using hooks::testing::run_cli;
using Args = std::vector<std::string>;
using Variables = std::map<std::string, std::string>;

// Output modes: every case runs once in each.
const std::vector<Args> k_verify_modes = {{},
                                          {"--json"},
                                          {"--explain"},
                                          {"--color", "always"},
                                          {"--json", "--explain", "--color", "always"}};
const std::vector<Args> k_sign_modes = {{}, {"--json"}, {"--color", "always"}};

// The canaries. Each is long and distinctive, so that any 12-character run of one appearing
// in output can only be a leak.
const std::string k_raw = "cnry-Raw-7f3e1b9d2c4a8e6f";
const std::string k_decoded = "cnry-Decoded-5b8e2d7c91f0xq"; // printable bytes of the whsec_ key
const std::string k_whsec = "whsec_" + hooks::crypto::base64_encode(k_decoded);
const std::string k_seed =
    hooks::crypto::hex_decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        .value();
const std::string k_public = hooks::crypto::ed25519_public_key(k_seed).value();
const std::string k_whsk = "whsk_" + hooks::crypto::base64_encode(k_seed);
const std::string k_whpk = "whpk_" + hooks::crypto::base64_encode(k_public);
const std::string k_discord_seed = hooks::crypto::hex_encode(k_seed);
const std::string k_discord_public = hooks::crypto::hex_encode(k_public);
const std::string k_twilio = "cnryTwilio0a1b2c3d4e5f6a7b8c9d0e1f";
const std::string k_padded = " \tcnry-Padded-4e9a1c7b3d\r\n";
// Postmark's Basic auth: user:password, sent as base64, which must not appear either.
const std::string k_basic = "cnry-user:cnry-Pass-8d1f6a2c";
const std::string k_basic_base64 = hooks::crypto::base64_encode(k_basic);

// Secrets that no key format accepts, one per way of being wrong.
const std::string k_whsec_bad_base64 = "whsec_cnry*Bad!Base64%2f9e1";
const std::string k_whsec_url_safe = "whsec_cnry-UrlSafe_Base64_3c8d";
const std::string k_whsec_trailing_bits = "whsec_cnryTrailingBits7b1xyR";
const std::string k_whsk_short = "whsk_" + hooks::crypto::base64_encode(k_seed.substr(0, 31));
const std::string k_whsk_long = "whsk_" + hooks::crypto::base64_encode(k_seed + "cnry-extra-bytes");
const std::string k_whsk_bad_base64 = "whsk_cnry$NotBase64#5d2a7e";
const std::string k_whpk_short = "whpk_" + hooks::crypto::base64_encode(k_public.substr(0, 16));
const std::string k_discord_not_hex = "cnry-discord-not-hex-" + std::string(43, 'z');
const std::string k_discord_odd = k_discord_seed.substr(1);
const std::string k_discord_short = k_discord_seed.substr(2);

std::vector<std::string> all_canaries() {
    return {k_raw,
            k_decoded,
            k_whsec,
            k_whsec.substr(6),
            k_whsk.substr(5),
            k_whpk.substr(5),
            k_discord_seed,
            k_discord_public,
            k_twilio,
            k_padded,
            k_whsec_bad_base64,
            k_whsec_url_safe,
            k_whsec_trailing_bits,
            k_whsk_short.substr(5),
            k_whsk_long.substr(5),
            k_whsk_bad_base64,
            k_whpk_short.substr(5),
            k_discord_not_hex,
            k_discord_odd,
            k_basic,
            k_basic_base64};
}

// The first part of a canary found in `text`: the whole canary, or any 12-character run of it,
// so that a quote cut short (reasons quote at most 40 characters) is caught as well.
std::string find_leak(const std::string& text) {
    constexpr size_t k_window = 12;
    for (const std::string& canary : all_canaries()) {
        size_t window = std::min(k_window, canary.size());
        for (size_t start = 0; start + window <= canary.size(); ++start) {
            std::string part = canary.substr(start, window);
            if (text.find(part) != std::string::npos) {
                return part;
            }
        }
    }
    return "";
}

std::string joined(const Args& args) {
    std::string text;
    for (const std::string& arg : args) {
        text += (text.empty() ? "" : " ") + arg;
    }
    return text;
}

// A directory of input files for one test case, removed when the case ends.
class TempDir {
  public:
    TempDir() {
        std::random_device random;
        m_path = std::filesystem::temp_directory_path() /
                 ("hooks-canary-" + std::to_string(random()) + std::to_string(random()));
        std::filesystem::create_directories(m_path);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code error;
        std::filesystem::permissions(m_path / "unreadable", std::filesystem::perms::owner_all,
                                     error);
        std::filesystem::remove_all(m_path, error);
    }

    /// Writes `content` to NAME in the directory and returns its path.
    std::string write(const std::string& name, const std::string& content) const {
        std::ofstream file(m_path / name, std::ios::binary);
        file << content;
        return (m_path / name).string();
    }

    std::string path(const std::string& name) const { return (m_path / name).string(); }

  private:
    std::filesystem::path m_path;
};

struct CanaryCase {
    std::string name;
    Args args;
    int expected_exit = 0;
    Variables variables = {};
    std::string stdin_text = {};
};

CliResult run_case(const CanaryCase& canary_case, const Args& mode) {
    Args args = canary_case.args;
    args.insert(args.begin() + 1, mode.begin(), mode.end());
    CliEnvironment environment;
    environment.variables = canary_case.variables;
    environment.stdin_text = canary_case.stdin_text;
    return run_cli(args, environment);
}

void check_cases(const std::vector<CanaryCase>& cases, const std::vector<Args>& modes) {
    for (const CanaryCase& canary_case : cases) {
        for (const Args& mode : modes) {
            CliResult result = run_case(canary_case, mode);
            INFO(canary_case.name << "\n  mode: " << joined(mode)
                                  << "\n  args: " << joined(canary_case.args)
                                  << "\n  stdout: " << result.out << "\n  stderr: " << result.err);
            CHECK(result.exit_code == canary_case.expected_exit);
            CHECK(find_leak(result.out) == "");
            CHECK(find_leak(result.err) == "");
        }
    }
}

// The header arguments (`-H 'Name: value'`...) that `hooks sign ARGS` prints.
Args signed_headers(const Args& sign_args) {
    CliResult result = run_cli(sign_args);
    INFO(joined(sign_args) << "\n" << result.err);
    REQUIRE(result.exit_code == 0);
    Args headers;
    size_t start = 0;
    for (size_t end = result.out.find('\n'); end != std::string::npos;
         start = end + 1, end = result.out.find('\n', start)) {
        headers.push_back("-H");
        headers.push_back(result.out.substr(start, end - start));
    }
    REQUIRE(!headers.empty());
    return headers;
}

Args concat(Args head, const Args& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

const std::string k_body = R"({"id":"evt_1","type":"invoice.paid"})";
const std::string k_form = "From=%2B15551234567&Body=Hello+there&To=%2B15557654321";
const std::string k_url = "https://example.com/sms?account=AC1";

} // namespace

TEST_CASE("sign prints headers but never the secret in any output mode", "[cli]") {
    TempDir dir;
    std::string body = dir.write("body.json", k_body);
    std::string form = dir.write("form.txt", k_form);
    check_cases(
        {
            {"stripe, raw secret", {"sign", "--provider", "stripe", "--secret", k_raw, body}},
            {"github", {"sign", "--provider", "github", "--secret", k_raw, body}},
            {"paddle", {"sign", "--provider", "paddle", "--secret", k_raw, body}},
            {"slack", {"sign", "--provider", "slack", "--secret", k_raw, body}},
            {"standard, whsec_ key",
             {"sign", "--provider", "standard", "--id", "msg_1", "--secret", k_whsec, body}},
            {"svix, two whsec_ keys",
             {"sign", "--provider", "svix", "--secret", k_whsec, "--secret", k_whsec, body}},
            {"standard, whsk_ Ed25519 key",
             {"sign", "--provider", "standard", "--secret", k_whsk, body}},
            {"discord, hex seed",
             {"sign", "--provider", "discord", "--secret", k_discord_seed, body}},
            {"discord, seed and public key",
             {"sign", "--provider", "discord", "--secret", k_discord_seed + k_discord_public,
              body}},
            {"twilio, form body",
             {"sign", "--provider", "twilio", "--url", k_url, "--secret", k_twilio, form}},
            {"twilio, JSON body (note on stderr)",
             {"sign", "--provider", "twilio", "--url", k_url, "--secret", k_twilio, body}},
            {"raw secret with surrounding whitespace",
             {"sign", "--provider", "stripe", "--secret", k_padded, body}},
            // These providers send the secret itself: the header is printed without it.
            {"gitlab, the token itself", {"sign", "--provider", "gitlab", "--secret", k_raw, body}},
            {"postmark, Basic auth", {"sign", "--provider", "postmark", "--secret", k_basic, body}},
            {"postmark, not user:password",
             {"sign", "--provider", "postmark", "--secret", k_raw, body},
             2},
        },
        k_sign_modes);
}

TEST_CASE("sign rejects a malformed secret with exit 2 without echoing it", "[cli]") {
    TempDir dir;
    std::string body = dir.write("body.json", k_body);
    auto sign_with = [&](const std::string& provider, const std::string& secret) {
        return Args{"sign", "--provider", provider, "--secret", secret, body};
    };
    check_cases(
        {
            {"whsec_ with bad base64", sign_with("standard", k_whsec_bad_base64), 2},
            {"whsec_ with the URL-safe alphabet", sign_with("svix", k_whsec_url_safe), 2},
            {"whsec_ with non-zero trailing bits", sign_with("standard", k_whsec_trailing_bits), 2},
            {"whsec_ with surrounding whitespace", sign_with("standard", " " + k_whsec + "\n"), 2},
            {"whsk_ of 31 bytes", sign_with("standard", k_whsk_short), 2},
            {"whsk_ of 48 bytes", sign_with("standard", k_whsk_long), 2},
            {"whsk_ with bad base64", sign_with("standard", k_whsk_bad_base64), 2},
            {"whpk_ public key cannot sign", sign_with("standard", k_whpk), 2},
            {"whpk_ of 16 bytes", sign_with("standard", k_whpk_short), 2},
            {"discord key that is not hex", sign_with("discord", k_discord_not_hex), 2},
            {"discord key of odd length", sign_with("discord", k_discord_odd), 2},
            {"discord key of 31 bytes", sign_with("discord", k_discord_short), 2},
            {"twilio without --url", sign_with("twilio", k_twilio), 2},
            {"twilio with two tokens",
             {"sign", "--provider", "twilio", "--url", k_url, "--secret", k_twilio, "--secret",
              k_raw, body},
             2},
            {"github with two secrets",
             {"sign", "--provider", "github", "--secret", k_raw, "--secret", k_twilio, body},
             2},
            {"unknown provider", sign_with("stripe-v2", k_raw), 2},
            {"missing --provider", {"sign", "--secret", k_raw, body}, 2},
            {"unreadable body",
             {"sign", "--provider", "stripe", "--secret", k_raw, dir.path("missing.json")},
             2},
            {"--id with a newline",
             {"sign", "--provider", "standard", "--id", "a\nb", "--secret", k_whsec, body},
             2},
        },
        k_sign_modes);
}

TEST_CASE("verify reports valid and invalid deliveries without printing the secret", "[cli]") {
    TempDir dir;
    std::string body = dir.write("body.json", k_body);
    std::string body_newline = dir.write("body-newline.json", k_body + "\n");
    std::string pretty =
        dir.write("pretty.json", "{\n  \"id\": \"evt_1\",\n  \"type\": \"invoice.paid\"\n}");
    std::string form = dir.write("form.txt", k_form);
    std::string tampered = dir.write("tampered.json", R"({"id":"evt_2","type":"invoice.paid"})");

    Args stripe = signed_headers({"sign", "--provider", "stripe", "--secret", k_raw, body});
    Args github = signed_headers({"sign", "--provider", "github", "--secret", k_raw, body});
    Args standard = signed_headers(
        {"sign", "--provider", "standard", "--id", "msg_1", "--secret", k_whsec, body});
    Args ed25519 = signed_headers(
        {"sign", "--provider", "standard", "--id", "msg_1", "--secret", k_whsk, body});
    Args discord =
        signed_headers({"sign", "--provider", "discord", "--secret", k_discord_seed, body});
    Args twilio = signed_headers(
        {"sign", "--provider", "twilio", "--url", k_url, "--secret", k_twilio, form});
    Args trimmed = signed_headers(
        {"sign", "--provider", "github", "--secret", "cnry-Padded-4e9a1c7b3d", body});
    // The whsec_ string used verbatim as the key, as Stripe does: the Standard Webhooks trap.
    std::string verbatim = hooks::crypto::base64_encode(hooks::crypto::hmac(
        hooks::crypto::DigestAlgorithm::sha256, k_whsec, "msg_1.1700000000." + k_body));

    auto verify = [](const std::string& provider, const std::string& secret, const Args& headers,
                     const std::string& file) {
        return concat(concat({"verify", "--provider", provider, "--secret", secret}, headers),
                      {file});
    };
    check_cases(
        {
            {"stripe valid", verify("stripe", k_raw, stripe, body), 0},
            {"stripe, body changed", verify("stripe", k_raw, stripe, tampered), 1},
            {"stripe, body gained a newline", verify("stripe", k_raw, stripe, body_newline), 1},
            {"stripe, body re-serialized", verify("stripe", k_raw, stripe, pretty), 1},
            {"stripe, too old",
             concat(verify("stripe", k_raw, stripe, body), {"--now", "1700009999"}), 1},
            {"stripe, wrong secret", verify("stripe", k_twilio, stripe, body), 1},
            {"stripe, v0 only",
             verify("stripe", k_raw, {"-H", "Stripe-Signature: t=1700000000,v0=ab"}, body), 1},
            {"stripe, empty v1",
             verify("stripe", k_raw, {"-H", "Stripe-Signature: t=1700000000,v1="}, body), 1},
            {"stripe, two differing headers",
             verify("stripe", k_raw, concat(stripe, {"-H", "Stripe-Signature: t=1,v1=ab"}), body),
             1},
            {"stripe, secret given as whsec_ by mistake", verify("stripe", k_whsec, stripe, body),
             1},
            {"wrong provider: github header checked as stripe",
             verify("stripe", k_raw, github, body), 1},
            {"github valid", verify("github", k_raw, github, body), 0},
            {"github, secret with whitespace", verify("github", k_padded, trimmed, body), 1},
            {"github, no headers at all", verify("github", k_raw, {}, body), 1},
            {"standard valid", verify("standard", k_whsec, standard, body), 0},
            {"standard, body changed", verify("standard", k_whsec, standard, tampered), 1},
            {"standard, in the future",
             concat(verify("standard", k_whsec, standard, body), {"--now", "1699990000"}), 1},
            {"standard, sender used whsec_ verbatim",
             verify("standard", k_whsec,
                    {"-H", "webhook-id: msg_1", "-H", "webhook-timestamp: 1700000000", "-H",
                     "webhook-signature: v1," + verbatim},
                    body),
             1},
            {"standard, missing webhook-id",
             verify("standard", k_whsec, {"-H", standard.back()}, body), 1},
            {"standard Ed25519, whpk_ public key", verify("standard", k_whpk, ed25519, body), 0},
            {"standard Ed25519, whsk_ private key", verify("standard", k_whsk, ed25519, body), 0},
            {"standard Ed25519, body changed", verify("standard", k_whpk, ed25519, tampered), 1},
            {"discord valid", verify("discord", k_discord_public, discord, body), 0},
            {"discord, body changed", verify("discord", k_discord_public, discord, tampered), 1},
            {"discord, seed instead of public key",
             verify("discord", k_discord_seed, discord, body), 1},
            {"twilio valid", concat(verify("twilio", k_twilio, twilio, form), {"--url", k_url}), 0},
            {"twilio, token with whitespace",
             concat(verify("twilio", k_padded, twilio, form), {"--url", k_url}), 1},
            {"twilio, wrong URL",
             concat(verify("twilio", k_twilio, twilio, form), {"--url", k_url + "&x=1"}), 1},
            {"auto-detected stripe", verify("auto", k_raw, stripe, body), 0},
            {"auto, no signature header", verify("auto", k_raw, {"-H", "Host: example.com"}, body),
             1},
            {"auto, two providers' headers", verify("auto", k_raw, concat(stripe, github), body),
             1},
            {"several secrets, none matching",
             concat(verify("stripe", k_twilio, stripe, body), {"--secret", k_discord_seed}), 1},
            {"several secrets, the second matching",
             concat(verify("stripe", k_twilio, stripe, body), {"--secret", k_raw}), 0},
        },
        k_verify_modes);
}

TEST_CASE("verify rejects a malformed secret with exit 2 without echoing it", "[cli]") {
    TempDir dir;
    std::string body = dir.write("body.json", k_body);
    Args standard = signed_headers(
        {"sign", "--provider", "standard", "--id", "msg_1", "--secret", k_whsec, body});
    Args discord =
        signed_headers({"sign", "--provider", "discord", "--secret", k_discord_seed, body});
    Args twilio_header = {"-H", "X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8="};
    auto verify = [&](const std::string& provider, const std::string& secret, const Args& headers) {
        return concat(concat({"verify", "--provider", provider, "--secret", secret}, headers),
                      {body});
    };
    check_cases(
        {
            {"whsec_ with bad base64", verify("standard", k_whsec_bad_base64, standard), 2},
            {"whsec_ with the URL-safe alphabet", verify("standard", k_whsec_url_safe, standard),
             2},
            {"whsec_ with non-zero trailing bits",
             verify("standard", k_whsec_trailing_bits, standard), 2},
            {"whsec_ with surrounding whitespace", verify("standard", k_padded + k_whsec, standard),
             2},
            {"whsk_ of 31 bytes", verify("standard", k_whsk_short, standard), 2},
            {"whsk_ of 48 bytes", verify("standard", k_whsk_long, standard), 2},
            {"whsk_ with bad base64", verify("standard", k_whsk_bad_base64, standard), 2},
            {"whpk_ of 16 bytes", verify("standard", k_whpk_short, standard), 2},
            {"malformed key before a good one",
             concat(verify("standard", k_whsec_bad_base64, standard), {"--secret", k_whsec}), 2},
            {"discord key that is not hex", verify("discord", k_discord_not_hex, discord), 2},
            {"discord key of odd length", verify("discord", k_discord_odd, discord), 2},
            {"discord key of 31 bytes", verify("discord", k_discord_short, discord), 2},
            {"twilio without --url", verify("twilio", k_twilio, twilio_header), 2},
            {"empty --secret", verify("stripe", "", {"-H", "Stripe-Signature: t=1,v1=ab"}), 2},
            {"unknown provider", verify("stripe-v2", k_raw, {}), 2},
            {"unreadable body",
             {"verify", "--provider", "stripe", "--secret", k_raw, dir.path("missing.json")},
             2},
            {"unreadable headers file",
             {"verify", "--secret", k_raw, "--headers-file", dir.path("missing.txt"), body},
             2},
            {"malformed -H", verify("stripe", k_raw, {"-H", "no colon here"}), 2},
            {"unreadable provider file",
             concat(verify("stripe", k_raw, {}), {"--provider-file", dir.path("missing.json")}), 2},
        },
        k_verify_modes);
}

TEST_CASE("secrets read from a file or the environment or stdin never appear in output", "[cli]") {
    TempDir dir;
    std::string body = dir.write("body.json", k_body);
    std::string secret_file = dir.write("secret.txt", k_raw + "\n");
    std::string secret_crlf = dir.write("secret-crlf.txt", k_raw + "\r\n");
    std::string wrong_file = dir.write("wrong.txt", k_twilio);
    std::string whsec_file = dir.write("whsec.txt", k_whsec_bad_base64 + "\n");
    std::string empty_file = dir.write("empty.txt", "");
    std::string newline_file = dir.write("newline.txt", "\n");
    std::string unreadable = dir.write("unreadable", k_raw);
    std::filesystem::permissions(unreadable, std::filesystem::perms::none);
    // Root reads a mode-000 file anyway; then the secret in it works.
    bool is_unreadable = !std::ifstream(unreadable).is_open();
    Args stripe = signed_headers({"sign", "--provider", "stripe", "--secret", k_raw, body});

    auto verify = [&](const Args& secret_args) {
        return concat(concat(concat({"verify", "--provider", "stripe"}, secret_args), stripe),
                      {body});
    };
    auto sign = [&](const Args& secret_args) {
        return concat(concat({"sign", "--provider", "stripe"}, secret_args), {body});
    };
    const Variables canary_env = {{"WEBHOOK_SECRET", k_raw}, {"HOOKS_SECRET", k_raw}};
    std::vector<CanaryCase> cases = {
        {"verify --secret-file", verify({"--secret-file", secret_file}), 0},
        {"verify --secret-file, CRLF", verify({"--secret-file", secret_crlf}), 0},
        {"verify --secret-file, wrong secret", verify({"--secret-file", wrong_file}), 1},
        {"verify --secret-file -", verify({"--secret-file", "-"}), 0, {}, k_raw + "\n"},
        {"verify --secret-env", verify({"--secret-env", "WEBHOOK_SECRET"}), 0, canary_env},
        {"verify HOOKS_SECRET", verify({}), 0, canary_env},
        {"verify HOOKS_SECRET, wrong secret", verify({}), 1, {{"HOOKS_SECRET", k_twilio}}},
        {"verify, files and environment, none matching",
         verify({"--secret-file", wrong_file, "--secret-env", "OTHER"}),
         1,
         {{"OTHER", k_padded}}},
        {"verify, missing secret file", verify({"--secret-file", dir.path("missing.txt")}), 2},
        {"verify, secret file is a directory", verify({"--secret-file", dir.path("")}), 2},
        {"verify, unreadable secret file", verify({"--secret-file", unreadable}),
         is_unreadable ? 2 : 0},
        {"verify, empty secret file", verify({"--secret-file", empty_file}), 2},
        {"verify, secret file with only a newline", verify({"--secret-file", newline_file}), 2},
        {"verify, malformed whsec_ in a file",
         {"verify", "--provider", "svix", "--secret-file", whsec_file, "-H", "svix-id: msg_1", "-H",
          "svix-timestamp: 1700000000", "-H", "svix-signature: v1,abc=", body},
         2},
        {"verify, --secret-env unset (HOOKS_SECRET set)", verify({"--secret-env", "UNSET_SECRET"}),
         2, canary_env},
        {"verify, no secret at all", verify({}), 2},
        {"verify, stdin asked for twice",
         {"verify", "--provider", "stripe", "--secret-file", "-", "-"},
         2,
         {},
         k_raw},
        {"sign --secret-file", sign({"--secret-file", secret_file}), 0},
        {"sign --secret-file -", sign({"--secret-file", "-"}), 0, {}, k_raw},
        {"sign --secret-env", sign({"--secret-env", "WEBHOOK_SECRET"}), 0, canary_env},
        {"sign HOOKS_SECRET", sign({}), 0, canary_env},
        {"sign, missing secret file", sign({"--secret-file", dir.path("missing.txt")}), 2},
        {"sign, empty secret file", sign({"--secret-file", empty_file}), 2},
        {"sign, --secret-env set to empty", sign({"--secret-env", "EMPTY"}), 2, {{"EMPTY", ""}}},
    };
    check_cases(cases, {{}, {"--json"}, {"--color", "always"}});
}

TEST_CASE("providers never prints a secret from the environment", "[cli]") {
    const Variables canary_env = {{"HOOKS_SECRET", k_whsec}, {"STRIPE_SECRET", k_raw}};
    check_cases(
        {
            {"list", {"providers"}, 0, canary_env},
            {"list as JSON", {"providers", "--json"}, 0, canary_env},
            {"one provider", {"providers", "standard", "--color", "always"}, 0, canary_env},
            {"one provider as JSON", {"providers", "stripe", "--json"}, 0, canary_env},
            {"unknown provider", {"providers", "stripe-v2"}, 2, canary_env},
            {"unreadable provider file",
             {"providers", "--provider-file", "/nonexistent/hooks-canary.json"},
             2,
             canary_env},
        },
        {{}});
}

// CLI11's own "The following arguments were not expected: ..." quotes every unexpected argument,
// so a --secret given to a command that takes none would reach stderr; run() names options only.
TEST_CASE("a --secret given to a command that takes none is not echoed in the usage error",
          "[cli]") {
    check_cases(
        {
            {"providers NAME --secret S", {"providers", "stripe", "--secret", k_raw}, 2},
            {"providers --secret=S", {"providers", "--secret=" + k_raw}, 2},
            {"completion bash --secret S", {"completion", "bash", "--secret", k_raw}, 2},
        },
        {{}});
}
