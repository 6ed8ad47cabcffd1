// SPDX-License-Identifier: MIT
// Published test vectors from the providers' own documentation and libraries.
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks::testing;

TEST_CASE("svix's published example verifies as svix and as standard", "[providers]") {
    // The example message of the Svix and Standard Webhooks libraries' test suites.
    const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const std::string body = R"({"test": 2432232314})";
    const std::string signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    auto svix = make_message({{"svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
                              {"svix-timestamp", "1614265330"},
                              {"svix-signature", signature}},
                             body);
    CHECK(verify_with("svix", svix, {secret}, 1'614'265'330).is_valid);
    auto standard = make_message({{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
                                  {"webhook-timestamp", "1614265330"},
                                  {"webhook-signature", signature}},
                                 body);
    CHECK(verify_with("standard", standard, {secret}, 1'614'265'330).is_valid);
}

TEST_CASE("signing svix's example reproduces its published signature", "[providers]") {
    std::vector<hooks::providers::Secret> secrets{
        {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--secret #1"}};
    hooks::providers::SignInput input;
    input.body = R"({"test": 2432232314})";
    input.secrets = secrets;
    input.id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    input.timestamp = hooks::providers::UnixMillis(1'614'265'330'000);
    auto output = builtin_provider("svix").sign(input);
    REQUIRE(output);
    CHECK(output->headers.back().value == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("github's documented example verifies", "[providers]") {
    // docs.github.com, "Validating webhook deliveries", testing the signature.
    auto message =
        make_message({{"X-Hub-Signature-256",
                       "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}},
                     "Hello, World!");
    CHECK(verify_with("github", message, {"It's a Secret to Everybody"}, 0).is_valid);
    CHECK_FALSE(verify_with("github", message, {"It's a secret to everybody"}, 0).is_valid);
}

TEST_CASE("slack's documented example verifies", "[providers]") {
    // api.slack.com, "Verifying requests from Slack", the worked example.
    const std::string body =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
        "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%"
        "2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
        "803a0bc887a14d10d2c447fce8b6703c";
    auto message =
        make_message({{"X-Slack-Request-Timestamp", "1531420618"},
                      {"X-Slack-Signature",
                       "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"}},
                     body);
    CHECK(verify_with("slack", message, {"8f742231b10e8888abcd99yyyzzz85a5"}, 1'531'420'618)
              .is_valid);
    auto signed_headers =
        sign_with("slack", "8f742231b10e8888abcd99yyyzzz85a5", body, 1'531'420'618);
    CHECK(signed_headers.back().value ==
          "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
}
