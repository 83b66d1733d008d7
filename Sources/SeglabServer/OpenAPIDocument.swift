/// The OpenAPI 3.1 document of the API, served at `/openapi.json`. Kept by hand beside the
/// routes, and checked against them by a test (`OpenAPIDocumentTests`): every endpoint of
/// `Endpoint.all` is here with its method and status codes, and nothing else is.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "seglab serve",
    "version": "0.1.0",
    "description": "The read-only HTTP API of `seglab serve`: experiments, runs, the leaderboard and reports from a seglab ledger, and assignment of new customers with a finished run's pipeline and model (the same as `seglab assign`). Nothing is ever written. Answers are JSON in canonical form (compact, keys sorted) unless said otherwise. Every error is `{\"error\": {\"status\": …, \"message\": …}}`; a path no endpoint has answers 404, a method an endpoint does not take answers 405 with `Allow`. Lists are paged with `limit` (1 to 1000, default 100) and `offset` (default 0); `next_offset` is null on the last page. When the server has a token (`--token-file`), every endpoint but /health and /openapi.json asks for `Authorization: Bearer <token>`. A query parameter an endpoint does not take is a 400."
  },
  "servers": [{"url": "http://127.0.0.1:8080"}],
  "security": [{"bearer": []}],
  "paths": {
    "/health": {
      "get": {
        "operationId": "health",
        "summary": "Whether the server answers and can read the ledger.",
        "security": [],
        "responses": {
          "200": {
            "description": "The server answers and the ledger can be read.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}
          },
          "503": {
            "description": "The ledger cannot be read.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document.",
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 document.",
            "content": {"application/json": {"schema": {"type": "object"}}}
          }
        }
      }
    },
    "/experiments": {
      "get": {
        "operationId": "listExperiments",
        "summary": "Experiments, by name, with their runs counted by status (`seglab experiments --format json`).",
        "parameters": [{"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
        "responses": {
          "200": {
            "description": "A page of experiments.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExperimentPage"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/experiments/{name}": {
      "get": {
        "operationId": "getExperiment",
        "summary": "One experiment: its runs counted by status, the experiment file as recorded and its artifacts.",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {"type": "string"},
            "description": "The experiment's name."
          }
        ],
        "responses": {
          "200": {
            "description": "The experiment.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExperimentDetails"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/runs": {
      "get": {
        "operationId": "listRuns",
        "summary": "Runs in the order they started (`seglab runs --format json`).",
        "parameters": [
          {"$ref": "#/components/parameters/experiment"},
          {"$ref": "#/components/parameters/algorithm"},
          {
            "name": "status",
            "in": "query",
            "required": false,
            "schema": {"type": "string", "enum": ["pending", "running", "completed", "failed", "interrupted"]},
            "description": "Only runs in this state."
          },
          {"$ref": "#/components/parameters/limit"},
          {"$ref": "#/components/parameters/offset"}
        ],
        "responses": {
          "200": {
            "description": "A page of runs; an empty page when the filters leave none.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunPage"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/runs/{id}": {
      "get": {
        "operationId": "getRun",
        "summary": "Everything recorded about a run: what `seglab show ID --format json` prints.",
        "parameters": [{"$ref": "#/components/parameters/runId"}],
        "responses": {
          "200": {
            "description": "The run.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunDocument"}}}
          },
          "400": {"$ref": "#/components/responses/AmbiguousRun"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/runs/{id}/report": {
      "get": {
        "operationId": "getRunReport",
        "summary": "The HTML report covering the run: `<results>/<experiment>/<run-id>/report/index.html`, else `<results>/<experiment>/report/index.html` of an experiment listing it.",
        "parameters": [{"$ref": "#/components/parameters/runId"}],
        "responses": {
          "200": {"description": "The report.", "content": {"text/html": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/AmbiguousRun"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"}
        }
      }
    },
    "/runs/{id}/assign": {
      "post": {
        "operationId": "assign",
        "summary": "Assigns new customers to the run's segments through its pipeline and model, as `seglab assign` does.",
        "description": "The body is the run's source format: a CSV (`Content-Type: text/csv`) as `seglab assign --input` reads, or a JSON array of objects keyed by the source's columns (a missing key or null is an empty cell). At most 10,000 rows (CSV lines after the header, or array elements) and 8 MiB. With `Accept: text/csv` the answer is the CSV `seglab assign` writes, byte for byte.",
        "parameters": [{"$ref": "#/components/parameters/runId"}],
        "requestBody": {
          "required": true,
          "content": {
            "text/csv": {
              "schema": {"type": "string"},
              "example": "customer_id,recency_days,frequency,monetary\nc1,12,5,830.5\n"
            },
            "application/json": {
              "schema": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": {"type": ["string", "number", "null"]}}
              },
              "example": [{"customer_id": "c1", "recency_days": 12, "frequency": 5, "monetary": 830.5}]
            }
          }
        },
        "responses": {
          "200": {
            "description": "One assignment per customer, in input order (for an order export: in order of each customer's first row).",
            "content": {
              "application/json": {"schema": {"$ref": "#/components/schemas/AssignResponse"}},
              "text/csv": {"schema": {"type": "string"}, "example": "customer_id,cluster,segment_name,distance\nc1,3,lapsed · long gaps,0.4127\n"}
            }
          },
          "400": {
            "description": "A bad customer row (`row` and `column` of a CSV body, `index` and `field` of a JSON one, as `seglab assign` names them), invalid JSON, an ambiguous run id or an unknown query parameter.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "409": {
            "description": "The run has no model to assign with (not completed), or its model.json or profile.csv is missing or was changed since the run.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "413": {
            "description": "The body or its row count is over the limit (`limit` says which).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          },
          "415": {
            "description": "The body is neither text/csv nor application/json.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
          }
        }
      }
    },
    "/leaderboard": {
      "get": {
        "operationId": "leaderboard",
        "summary": "Completed runs ranked by a metric, with `seglab leaderboard`'s options and ranking.",
        "parameters": [
          {
            "name": "metric",
            "in": "query",
            "required": false,
            "schema": {"type": "string", "default": "silhouette"},
            "description": "The metric to rank by; whether higher or lower is better is known."
          },
          {"$ref": "#/components/parameters/experiment"},
          {"$ref": "#/components/parameters/algorithm"},
          {
            "name": "min_cluster_share",
            "in": "query",
            "required": false,
            "schema": {"type": "number", "minimum": 0, "maximum": 1},
            "description": "Drop runs whose smallest cluster holds less than this share."
          },
          {
            "name": "best_per",
            "in": "query",
            "required": false,
            "schema": {"type": "string"},
            "description": "Keep the best run of each value of this: k, algorithm, feature_set or any parameter name."
          },
          {
            "name": "top",
            "in": "query",
            "required": false,
            "schema": {"type": "integer", "minimum": 1},
            "description": "Keep the first N runs of the ranking."
          },
          {"$ref": "#/components/parameters/limit"},
          {"$ref": "#/components/parameters/offset"}
        ],
        "responses": {
          "200": {
            "description": "A page of the ranking; an empty page when the filters leave no run.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LeaderboardPage"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    }
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "The token in the server's --token-file."}},
    "parameters": {
      "limit": {
        "name": "limit",
        "in": "query",
        "required": false,
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
        "description": "Items per page."
      },
      "offset": {
        "name": "offset",
        "in": "query",
        "required": false,
        "schema": {"type": "integer", "minimum": 0, "default": 0},
        "description": "Items to skip."
      },
      "experiment": {
        "name": "experiment",
        "in": "query",
        "required": false,
        "schema": {"type": "string"},
        "description": "Only the runs this experiment lists."
      },
      "algorithm": {
        "name": "algorithm",
        "in": "query",
        "required": false,
        "schema": {"type": "string"},
        "description": "Only runs of this algorithm."
      },
      "runId": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {"type": "string"},
        "description": "A run id, or a prefix of it that only one run has."
      }
    },
    "responses": {
      "BadRequest": {
        "description": "A query parameter the endpoint does not take, a value of the wrong type, or a name the ledger does not hold (the message lists those it holds).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "AmbiguousRun": {
        "description": "An id prefix several runs share, or a query parameter the endpoint does not take.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "Unauthorized": {
        "description": "The server has a token and the request did not carry it.",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      },
      "NotFound": {
        "description": "No such run, experiment or report.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
          "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
              "status": {"type": "integer"},
              "message": {"type": "string"},
              "row": {
                "type": "integer",
                "description": "CSV body: the 1-based line of the bad record (the header is line 1)."
              },
              "column": {"type": "string", "description": "CSV body: the column at fault."},
              "index": {"type": "integer", "description": "JSON body: the 0-based position of the bad element."},
              "field": {"type": "string", "description": "JSON body: the field at fault."},
              "limit": {"type": "integer", "description": "413: the limit exceeded."}
            }
          }
        }
      },
      "Health": {
        "type": "object",
        "required": ["status", "version"],
        "properties": {"status": {"const": "ok"}, "version": {"type": "string"}}
      },
      "Page": {
        "type": "object",
        "required": ["items", "total", "offset", "limit", "next_offset"],
        "properties": {
          "items": {"type": "array"},
          "total": {"type": "integer"},
          "offset": {"type": "integer"},
          "limit": {"type": "integer"},
          "next_offset": {"type": ["integer", "null"], "description": "Where the next page starts; null on the last page."}
        }
      },
      "Experiment": {
        "type": "object",
        "required": ["name", "created_at", "runs", "pending", "running", "completed", "failed", "interrupted"],
        "properties": {
          "name": {"type": "string"},
          "created_at": {"type": "string"},
          "runs": {"type": "integer"},
          "pending": {"type": "integer"},
          "running": {"type": "integer"},
          "completed": {"type": "integer"},
          "failed": {"type": "integer"},
          "interrupted": {"type": "integer"}
        }
      },
      "ExperimentDetails": {
        "allOf": [
          {"$ref": "#/components/schemas/Experiment"},
          {
            "type": "object",
            "required": ["spec", "artifacts"],
            "properties": {
              "spec": {"type": "object", "description": "The experiment file as last run, canonical JSON."},
              "artifacts": {"type": "array", "items": {"$ref": "#/components/schemas/Artifact"}}
            }
          }
        ]
      },
      "Artifact": {
        "type": "object",
        "required": ["name", "path", "sha256", "bytes"],
        "properties": {
          "name": {"type": "string"},
          "path": {"type": "string"},
          "sha256": {"type": "string"},
          "bytes": {"type": "integer"}
        }
      },
      "Run": {
        "type": "object",
        "required": ["id", "experiment", "feature_set", "algorithm", "params", "replicate", "seed", "status"],
        "properties": {
          "id": {"type": "string"},
          "experiment": {"type": "string"},
          "feature_set": {"type": "string"},
          "algorithm": {"type": "string"},
          "params": {"type": "object"},
          "replicate": {"type": "integer"},
          "seed": {"type": "integer"},
          "status": {"type": "string", "enum": ["pending", "running", "completed", "failed", "interrupted"]},
          "error": {"type": ["string", "null"]},
          "started_at": {"type": ["string", "null"]},
          "finished_at": {"type": ["string", "null"]},
          "duration_s": {"type": ["number", "null"]},
          "results_dir": {"type": ["string", "null"]}
        }
      },
      "RunDocument": {
        "allOf": [
          {"$ref": "#/components/schemas/Run"},
          {
            "type": "object",
            "required": ["key", "experiments", "metrics", "clusters", "artifacts"],
            "properties": {
              "key": {"type": "string"},
              "experiments": {"type": "array", "items": {"type": "string"}},
              "dataset_sha256": {"type": ["string", "null"]},
              "code_version": {"type": ["string", "null"]},
              "config": {"type": ["object", "null"]},
              "data_report": {"type": ["object", "null"]},
              "metrics": {"type": "object", "additionalProperties": {"type": ["number", "null"]}},
              "clusters": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {"cluster": {"type": "integer"}, "size": {"type": "integer"}}
                }
              },
              "profile": {"type": ["array", "null"], "items": {"type": "object"}},
              "product_categories": {
                "type": ["array", "null"],
                "description": "A tables source with product categories: each category (0: uncategorised) with its name, products and spend.",
                "items": {
                  "type": "object",
                  "properties": {"category": {"type": "integer"}, "name": {"type": "string"}, "products": {"type": "integer"}, "spend": {"type": "number"}}
                }
              },
              "artifacts": {"type": "array", "items": {"$ref": "#/components/schemas/Artifact"}},
              "training": {
                "description": "A deep model's per-epoch losses (its loss.csv); absent for other runs.",
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "stage": {"type": "string", "enum": ["autoencoder", "dec"]},
                    "epoch": {"type": "integer"},
                    "loss": {"type": ["number", "null"]},
                    "label_change": {"type": ["number", "null"]}
                  }
                }
              }
            }
          }
        ]
      },
      "LeaderboardRow": {
        "type": "object",
        "required": ["rank", "run_id", "experiment", "feature_set", "algorithm", "params", "replicate", "seed"],
        "description": "Then the ranked metric and silhouette, davies_bouldin, calinski_harabasz, n_clusters, min_cluster_share, balance_entropy (null where not recorded).",
        "properties": {
          "rank": {"type": "integer"},
          "run_id": {"type": "string"},
          "experiment": {"type": "string"},
          "feature_set": {"type": "string"},
          "algorithm": {"type": "string"},
          "params": {"type": "object"},
          "replicate": {"type": "integer"},
          "seed": {"type": "integer"}
        },
        "additionalProperties": {"type": ["number", "null"]}
      },
      "AssignResponse": {
        "type": "object",
        "required": ["run_id", "algorithm", "count", "score", "assignments"],
        "properties": {
          "run_id": {"type": "string"},
          "algorithm": {"type": "string"},
          "count": {"type": "integer"},
          "score": {
            "type": ["string", "null"],
            "enum": ["distance", "probability", null],
            "description": "The model's measure of each assignment, the name of that field in each item; null when it has none."
          },
          "assignments": {"type": "array", "items": {"$ref": "#/components/schemas/Assignment"}}
        }
      },
      "Assignment": {
        "type": "object",
        "required": ["customer_id", "cluster"],
        "properties": {
          "customer_id": {"type": "string"},
          "cluster": {"type": "integer", "description": "-1 is noise."},
          "distance": {"type": "number", "description": "Distance to the assigned centre, for models that have centres."},
          "probability": {"type": "number", "description": "Probability of the assigned component, for mixture models."},
          "segment_name": {
            "type": "string",
            "description": "The segment's name, where the run's profile.csv has a segment_name column."
          }
        }
      },
      "ExperimentPage": {
        "allOf": [
          {"$ref": "#/components/schemas/Page"},
          {
            "type": "object",
            "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Experiment"}}}
          }
        ]
      },
      "RunPage": {
        "allOf": [
          {"$ref": "#/components/schemas/Page"},
          {
            "type": "object",
            "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Run"}}}
          }
        ]
      },
      "LeaderboardPage": {
        "allOf": [
          {"$ref": "#/components/schemas/Page"},
          {
            "type": "object",
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/LeaderboardRow"}},
              "metric": {"type": "string"},
              "higher_is_better": {"type": "boolean"}
            }
          }
        ]
      }
    }
  }
}
"""#
}
