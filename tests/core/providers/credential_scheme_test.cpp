// SPDX-License-Identifier: MIT
// GitLab's token and Postmark's Basic auth: the secret itself travels, compared in constant time.
#include "core/crypto/encoding.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;

TEST_CASE("gitlab compares X-Gitlab-Token with each secret", "[providers]") {
    auto message = make_message({{"X-Gitlab-Event", "Push Hook"}, {"X-Gitlab-Token", "s3cret"}},
                                R"({"object_kind":"push"})");
    auto valid = verify_with("gitlab", message, {"other", "s3cret"}, 0);
    CHECK(valid.is_valid);
    CHECK(valid.matched_secret == "--secret #2");
    CHECK_FALSE(valid.has_replay_protection);
    CHECK_THAT(valid.reason, Catch::Contains("the body is not signed"));
    auto wrong = verify_with("gitlab", message, {"s3cre"}, 0);
    CHECK_FALSE(wrong.is_valid);
    CHECK(wrong.check == "signature");
    CHECK(wrong.reason == "X-Gitlab-Token does not match --secret #1");
    // GitLab drops line breaks from the token it sends (a token pasted with a newline).
    CHECK(verify_with("gitlab", message, {"s3cret\n"}, 0).is_valid);
    // The body is not protected: any body passes with the token.
    auto tampered = message;
    tampered.body = R"({"object_kind":"tag_push"})";
    CHECK(verify_with("gitlab", tampered, {"s3cret"}, 0).is_valid);
    CHECK(
        verify_with("gitlab", make_message({{"X-Gitlab-Event", "Push Hook"}}, "{}"), {"s3cret"}, 0)
            .check == "header");
    auto twice = make_message({{"X-Gitlab-Token", "s3cret"}, {"X-Gitlab-Token", "other"}}, "{}");
    CHECK(verify_with("gitlab", twice, {"s3cret"}, 0).check == "ambiguous");
}

TEST_CASE("gitlab signs by sending its one token", "[providers]") {
    auto headers = sign_with("gitlab", "s3cret", "{}", 0);
    REQUIRE(headers.size() == 1);
    CHECK(headers[0].name == "X-Gitlab-Token");
    CHECK(headers[0].value == "s3cret");
    std::vector<providers::Secret> two{{"a", "--secret #1"}, {"b", "--secret #2"}};
    providers::SignInput input;
    input.body = "{}";
    input.secrets = two;
    CHECK_FALSE(builtin_provider("gitlab").sign(input));
    CHECK(builtin_provider("gitlab").info().sends_secret_itself);
}

TEST_CASE("postmark checks HTTP Basic auth against user:password", "[providers]") {
    const std::string body = R"({"RecordType":"Delivery"})";
    auto message =
        make_message({{"Authorization", "Basic " + crypto::base64_encode("hooks:pa:ss")}}, body);
    CHECK(verify_with("postmark", message, {"hooks:pa:ss"}, 0).is_valid);
    // The scheme name is case-insensitive (RFC 7617), the credentials are not.
    auto lower =
        make_message({{"Authorization", "basic " + crypto::base64_encode("hooks:pa:ss")}}, body);
    CHECK(verify_with("postmark", lower, {"hooks:pa:ss"}, 0).is_valid);
    CHECK_FALSE(verify_with("postmark", message, {"hooks:pa:sS"}, 0).is_valid);
    CHECK_FALSE(verify_with("postmark", message, {"Hooks:pa:ss"}, 0).is_valid);
    auto bearer = make_message({{"Authorization", "Bearer abc"}}, body);
    CHECK(verify_with("postmark", bearer, {"hooks:pa:ss"}, 0).check == "format");
    CHECK(sign_with("postmark", "u:p", body, 0).front().value == "Basic dTpw");
    // A secret without a colon is not Basic auth's user:password: refused, named by label.
    std::vector<providers::Secret> bad{{"no-colon", "--secret-env PM"}};
    providers::VerifyInput input(message, bad);
    auto refused = builtin_provider("postmark").verify(input);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "secret from --secret-env PM is not user:password (Basic auth needs both)");
}

TEST_CASE("detection: a GitLab token is a header, Basic auth only a hint", "[providers]") {
    const auto registry = providers::Registry::builtin();
    auto gitlab = registry.detect(
        make_message({{"X-Gitlab-Token", "t"}, {"X-Gitlab-Event", "Push Hook"}}, "{}"));
    REQUIRE(gitlab);
    CHECK(gitlab->scheme->info().name == "gitlab");
    CHECK(gitlab->decided_by == "X-Gitlab-Token with X-Gitlab-Event");
    auto postmark = registry.detect(make_message({{"Authorization", "Basic dTpw"}}, "{}"));
    REQUIRE(postmark);
    CHECK(postmark->decided_by == "Authorization: Basic");
    // A signed request that also carries Basic auth is the signer's.
    auto github = registry.detect(make_message(
        {{"Authorization", "Basic dTpw"}, {"X-Hub-Signature-256", "sha256=ab"}}, "{}"));
    REQUIRE(github);
    CHECK(github->scheme->info().name == "github");
    CHECK_FALSE(registry.detect(make_message({{"Authorization", "Bearer x"}}, "{}")));
    // GitLab's signing token sends Standard Webhooks headers too: both candidates are named.
    auto both = registry.detect(make_message(
        {{"X-Gitlab-Token", "t"}, {"webhook-signature", "v1,abc"}, {"webhook-id", "1"}}, "{}"));
    REQUIRE_FALSE(both);
    CHECK_THAT(both.error().message, Catch::Contains("standard (webhook-signature), gitlab "
                                                     "(X-Gitlab-Token)"));
}
