"""GraphQL multipart requests: files land in the variables at the mapped paths; malformed ones get 400."""

from __future__ import annotations

import json

import graphene
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from meidu.core.graphql.upload import Upload, place_files
from meidu.core.graphql.view import GraphQLView


class AttachInput(graphene.InputObjectType):
    image = Upload(required=True)
    gallery = graphene.List(Upload)


class Attach(graphene.Mutation):
    """Echoes what it received, as ``name:size``."""

    class Arguments:
        input = AttachInput(required=True)

    files = graphene.List(graphene.String)

    @staticmethod
    def mutate(root, info, input):
        received = [input.image, *(input.gallery or [])]
        return Attach(files=[f"{upload.name}:{upload.size}" for upload in received])


class Query(graphene.ObjectType):
    shop_name = graphene.String()  # a schema needs a query root


class Mutation(graphene.ObjectType):
    attach = Attach.Field()


view = GraphQLView.as_view(schema=graphene.Schema(query=Query, mutation=Mutation))
ATTACH = "mutation($input: AttachInput!) { attach(input: $input) { files } }"


def photo(name: str = "pear.jpg", content: bytes = b"jpeg bytes") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def post_multipart(operations, file_map, **files):
    fields = {"operations": operations if isinstance(operations, str) else json.dumps(operations)}
    if file_map is not None:
        fields["map"] = file_map if isinstance(file_map, str) else json.dumps(file_map)
    request = RequestFactory().post("/graphql/", {**fields, **files})
    response = view(request)
    return response.status_code, json.loads(response.content)


def invalid_request(status: int, body: dict) -> str:
    assert status == 400, body
    assert body["errors"][0]["extensions"]["exception"]["code"] == "INVALID_REQUEST"
    return body["errors"][0]["message"]


class TestPlaceFiles:
    def test_nested_and_list_paths(self):
        image, first, second = photo("a.jpg"), photo("b.jpg"), photo("c.jpg")
        operations = {"query": ATTACH, "variables": {"input": {"image": None, "gallery": [None, None]}}}

        placed = place_files(
            operations,
            {"0": ["variables.input.image"], "1": ["variables.input.gallery.0"], "2": ["variables.input.gallery.1"]},
            {"0": image, "1": first, "2": second},
        )

        assert placed["variables"] == {"input": {"image": image, "gallery": [first, second]}}
        assert operations["variables"]["input"]["image"] is None  # the caller's dict is left alone

    def test_one_file_at_several_paths_and_a_top_level_variable(self):
        image = photo()
        placed = place_files(
            {"query": "", "variables": {"file": None, "input": {"image": None}}},
            {"0": ["variables.file", "variables.input.image"]},
            {"0": image},
        )
        assert placed["variables"] == {"file": image, "input": {"image": image}}

    @pytest.mark.parametrize(
        "file_map, message",
        [
            pytest.param(["variables.file"], "must be an object", id="map_not_an_object"),
            pytest.param({"1": ["variables.file"]}, "'1' named in `map` was not sent", id="missing_file"),
            pytest.param({"0": "variables.file"}, "non-empty list of paths", id="paths_not_a_list"),
            pytest.param({"0": []}, "non-empty list of paths", id="no_paths"),
            pytest.param({"0": ["query"]}, "must lead into `variables`", id="outside_variables"),
            pytest.param({"0": ["variables"]}, "must lead into `variables`", id="variables_itself"),
            pytest.param({"0": ["variables.input.image"]}, "does not match", id="missing_parent"),
            pytest.param({"0": ["variables.files.2"]}, "does not match", id="index_past_the_end"),
            pytest.param({"0": ["variables.files.x"]}, "does not match", id="list_key_not_a_number"),
            pytest.param({"0": ["variables.files.-1"]}, "does not match", id="negative_index"),
            pytest.param({"0": ["variables.file.name"]}, "does not match", id="through_a_scalar"),
        ],
    )
    def test_refusals(self, file_map, message):
        operations = {"query": "", "variables": {"file": None, "files": [None, None]}}
        with pytest.raises(ValueError, match=message):
            place_files(operations, file_map, {"0": photo()})


class TestMultipartRequests:
    def test_files_reach_the_resolver(self):
        status, body = post_multipart(
            {"query": ATTACH, "variables": {"input": {"image": None, "gallery": [None]}}},
            {"0": ["variables.input.image"], "1": ["variables.input.gallery.0"]},
            **{"0": photo("pear.jpg", b"12345"), "1": photo("corn.jpg", b"123")},
        )
        assert status == 200, body
        assert body["data"] == {"attach": {"files": ["pear.jpg:5", "corn.jpg:3"]}}

    def test_the_project_endpoint_takes_multipart(self):
        response = Client().post("/graphql/", {"operations": json.dumps({"query": "{ __typename }"}), "map": "{}"})
        assert response.status_code == 200, response.content
        assert response.json()["data"] == {"__typename": "Query"}

    def test_a_string_is_not_a_file(self):
        _, body = post_multipart({"query": ATTACH, "variables": {"input": {"image": "pear.jpg"}}}, {})
        assert body["data"] is None
        assert "An Upload variable takes a file" in body["errors"][0]["message"]

    def test_a_file_cannot_be_written_inline(self):
        status, body = post_multipart({"query": 'mutation { attach(input: {image: "pear.jpg"}) { files } }'}, {})
        assert status == 400
        assert "Upload" in body["errors"][0]["message"]

    @pytest.mark.parametrize(
        "operations, file_map, message",
        [
            pytest.param("{query", {}, "`operations` field is not valid JSON", id="operations_not_json"),
            pytest.param({"query": ATTACH}, "{0: [", "`map` field is not valid JSON", id="map_not_json"),
            pytest.param({"query": ATTACH}, None, "needs the `map` field", id="no_map"),
            pytest.param(
                {"query": ATTACH, "variables": {"input": {"image": None}}},
                {"1": ["variables.input.image"]},
                "'1' named in `map` was not sent",
                id="map_to_a_missing_file",
            ),
            pytest.param([{"query": ATTACH}], {}, "Batched operations are not supported", id="batched"),
            pytest.param({"variables": {}}, {}, "Provide a `query` string", id="no_query"),
        ],
    )
    def test_malformed_requests_are_refused(self, operations, file_map, message):
        assert message in invalid_request(*post_multipart(operations, file_map, **{"0": photo()}))

    def test_no_operations_field(self):
        response = view(RequestFactory().post("/graphql/", {"map": "{}"}))
        assert "needs the `operations` field" in invalid_request(response.status_code, json.loads(response.content))

    def test_a_broken_multipart_body(self):
        request = RequestFactory().post("/graphql/", b"--x\r\n", content_type="multipart/form-data")  # no boundary
        response = view(request)
        assert "multipart body is malformed" in invalid_request(response.status_code, json.loads(response.content))

    def test_other_content_types_are_still_refused(self):
        response = view(RequestFactory().post("/graphql/", "query=x", content_type="application/x-www-form-urlencoded"))
        assert "Send application/json" in invalid_request(response.status_code, json.loads(response.content))
