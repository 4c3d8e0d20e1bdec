package com.xeadline.uploads.server.video;

import com.xeadline.uploads.server.jobs.Job;
import com.xeadline.uploads.server.jobs.JobQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The video side of an upload's status: probe result, renditions, and its jobs with progress. */
public final class VideoStatus {
  private final VideoMetadataStore videos;
  private final JobQueue jobs;

  public VideoStatus(VideoMetadataStore videos, JobQueue jobs) {
    this.videos = videos;
    this.jobs = jobs;
  }

  public Map<String, Object> of(String uploadId) {
    Map<String, Object> status = new LinkedHashMap<>();
    Optional<VideoRow> video = videos.find(uploadId);
    status.put("video", video.map(VideoRow::toJson).map(VideoStatus::withoutStorage).orElse(null));
    status.put("transcodedVersions", video.map(VideoPipeline::publicVersions).orElse(List.of()));
    List<Map<String, Object>> shown = new ArrayList<>();
    for (Job job : jobs.forUpload(uploadId)) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("kind", job.kind());
      if (!job.payload().isEmpty()) {
        entry.put("rendition", job.payload());
      }
      entry.put("status", job.status());
      entry.put("progress", job.progress());
      entry.put("attempts", job.attempts());
      entry.put("error", job.lastError());
      shown.add(entry);
    }
    status.put("jobs", shown);
    return status;
  }

  private static Map<String, Object> withoutStorage(Map<String, Object> video) {
    Map<String, Object> shown = new LinkedHashMap<>(video);
    shown.remove("transcodedVersions");
    return shown;
  }
}
