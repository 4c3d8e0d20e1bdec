package com.xeadline.uploads.server.api;

import com.xeadline.uploads.tus.JsonMappers;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import jakarta.ws.rs.ext.ContextResolver;
import org.eclipse.jetty.server.Handler;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.jetty.JettyHttpContainer;
import org.glassfish.jersey.server.ContainerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** The JSON API as one Jetty handler: Jersey with our resources, JSON and problem mappers. */
public final class ApiHandlerFactory {
  private ApiHandlerFactory() {}

  public static Handler create(StorageResource storage, UsageResource usage, UploadsResource uploads, VideosResource videos) {
    ObjectMapper json =
        JsonMappers.create()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);
    // Numbers are numbers, as the old zod schema had it: no "12", no 1.5, no true.
    for (LogicalType kind : new LogicalType[] {LogicalType.Integer, LogicalType.Float}) {
      json.coercionConfigFor(kind)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    ResourceConfig config = new ResourceConfig();
    config.register(storage);
    config.register(usage);
    config.register(uploads);
    config.register(videos);
    config.register(new OpenApiResource());
    config.register(JacksonFeature.withoutExceptionMappers());
    config.register(new Mapper(json));
    config.register(new ProblemMappers.Refusals());
    config.register(new ProblemMappers.BadJson());
    config.register(new ProblemMappers.BadMultipart());
    config.register(new ProblemMappers.Http());
    config.register(new ProblemMappers.Bug());
    config.register(new ApiRequestLog());
    config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
    return ContainerFactory.createContainer(JettyHttpContainer.class, config);
  }

  /** A named class: Jersey cannot see the type argument of a lambda, and would ignore it. */
  private static final class Mapper implements ContextResolver<ObjectMapper> {
    private final ObjectMapper json;

    Mapper(ObjectMapper json) {
      this.json = json;
    }

    @Override
    public ObjectMapper getContext(Class<?> type) {
      return json;
    }
  }
}
