package com.xeadline.uploads.server.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  public static Handler create(StorageResource storage, UploadsResource uploads, VideosResource videos) {
    ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    ResourceConfig config = new ResourceConfig();
    config.register(storage);
    config.register(uploads);
    config.register(videos);
    config.register(new OpenApiResource());
    config.register(JacksonFeature.withoutExceptionMappers());
    config.register((ContextResolver<ObjectMapper>) type -> json);
    config.register(new ProblemMappers.Refusals());
    config.register(new ProblemMappers.BadJson());
    config.register(new ProblemMappers.BadMultipart());
    config.register(new ProblemMappers.Http());
    config.register(new ProblemMappers.Bug());
    config.register(new ApiRequestLog());
    config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
    return ContainerFactory.createContainer(JettyHttpContainer.class, config);
  }
}
