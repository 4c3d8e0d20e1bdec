package com.xeadline.uploads.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Writes {@code openapi.json} (served at {@code /api/openapi.json}) from the Jersey resources and
 * the records of {@link Bodies}. It runs at build time (process-classes, see server/pom.xml), so
 * the server pays nothing for it at start-up and the swagger libraries are not in the jar.
 *
 * <p>Two rules the annotations cannot say once for all: every record component is required
 * (the wire always carries it, null or not) unless it is {@code @JsonInclude(NON_NULL)}; and every
 * operation's refusals are problem+json ({@code default} response).
 */
public final class OpenApiGenerator {
  private static final List<Class<?>> RESOURCES =
      List.of(StorageResource.class, UsageResource.class, UploadsResource.class, VideosResource.class);
  private static final String PROBLEM = "Problem";

  private OpenApiGenerator() {}

  public static void main(String[] args) throws IOException {
    // A build step: swagger's DEBUG lines (logback's default set-up) would only be noise in the build.
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
    }
    Path target = Path.of(args[0]);
    Files.createDirectories(target.getParent());
    Files.writeString(target, generate(), StandardCharsets.UTF_8);
  }

  static String generate() throws IOException {
    OpenAPI base =
        new OpenAPI()
            .info(
                new Info()
                    .title("Xeadline Uploads: JSON API")
                    .version("1.0.0")
                    .description(
                        "The old Xeadline upload service's JSON API (and the listings added beside it), served on the"
                            + " same uploads as tus (/files/). Refusals are application/problem+json with an `error`"
                            + " string for the old front end. Generated from the server's resources at build time."));
    OpenAPI api = new Reader(new SwaggerConfiguration().openAPI(base)).read(new LinkedHashSet<>(RESOURCES));
    ModelConverters.getInstance().readAll(Bodies.ProblemBody.class).forEach(api.getComponents()::addSchemas);
    ApiResponse problem =
        new ApiResponse()
            .description("A refusal")
            .content(
                new Content()
                    .addMediaType(Problem.MEDIA_TYPE, new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    for (io.swagger.v3.oas.models.Operation op : operations(api)) {
      ApiResponse answer = op.getResponses().remove("default");
      if (answer != null && !op.getResponses().containsKey("200")) {
        op.getResponses().addApiResponse("200", answer.description("OK")); // the Reader's answer from the return type
      }
      op.getResponses().addApiResponse("default", problem);
    }
    for (Class<?> body : Bodies.class.getDeclaredClasses()) {
      if (body.isRecord()) {
        markRequired(api, body);
      }
    }
    return Json.pretty(api) + "\n";
  }

  private static List<io.swagger.v3.oas.models.Operation> operations(OpenAPI api) {
    List<io.swagger.v3.oas.models.Operation> all = new ArrayList<>();
    api.getPaths().values().forEach(item -> all.addAll(item.readOperations()));
    return all;
  }

  private static void markRequired(OpenAPI api, Class<?> record) {
    io.swagger.v3.oas.annotations.media.Schema named = record.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
    String name = named != null && !named.name().isEmpty() ? named.name() : record.getSimpleName();
    Schema<?> schema = api.getComponents().getSchemas().get(name);
    if (schema == null) {
      return; // a record no operation answers with
    }
    List<String> required = new ArrayList<>();
    for (RecordComponent component : record.getRecordComponents()) {
      JsonInclude include = component.getAccessor().getAnnotation(JsonInclude.class);
      if (include == null || include.value() != JsonInclude.Include.NON_NULL) {
        required.add(component.getName());
      }
      nullableRef(schema, component);
    }
    schema.setRequired(required);
  }

  /** OpenAPI 3.0 ignores nullable beside a $ref: a nullable record becomes allOf [ref] + nullable. */
  private static void nullableRef(Schema<?> schema, RecordComponent component) {
    io.swagger.v3.oas.annotations.media.Schema annotation =
        component.getAccessor().getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
    Schema<?> property = schema.getProperties().get(component.getName());
    if (annotation != null && annotation.nullable() && property != null && property.get$ref() != null) {
      Schema<Object> wrapped = new Schema<>();
      wrapped.allOf(List.of(new Schema<>().$ref(property.get$ref()))).nullable(true).description(annotation.description());
      schema.getProperties().put(component.getName(), wrapped);
    }
  }
}
