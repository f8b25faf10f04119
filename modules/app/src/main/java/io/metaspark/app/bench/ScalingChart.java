package io.metaspark.app.bench;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The cost model's picture, drawn as {@code report} draws a run's: scaling efficiency at each
 * model's meta-batch, the meta-batch each needs to stay efficient, and the held-out runs' measured
 * against predicted times.
 */
final class ScalingChart {
  private ScalingChart() {}

  static void write(File png, ScalingForecast forecast, List<Workload> workloads, List<Integer> executors,
      double target, List<CostForecast.Check> checks, String link) throws IOException {
    System.setProperty("java.awt.headless", "true");
    double[] x = executors.stream().mapToDouble(Integer::doubleValue).toArray();
    XYChart efficiency = chart("Scaling efficiency, jobs mode (" + link + ")", "executors", "efficiency vs 1 executor");
    XYChart batch = chart(String.format(Locale.ROOT, "Meta-batch for >= %.0f%% efficiency", 100 * target), "executors",
        "meta-batch");
    for (Workload w : workloads) {
      double[] eff = executors.stream().mapToDouble(e -> forecast.efficiency(w, e, w.metaBatch())).toArray();
      double[] b = executors.stream().mapToDouble(e -> forecast.metaBatchFor(w, e, target)).toArray();
      efficiency.addSeries(w.name() + ", meta-batch " + w.metaBatch(), x, eff).setMarker(SeriesMarkers.CIRCLE);
      batch.addSeries(w.name(), x, b).setMarker(SeriesMarkers.CIRCLE);
    }
    efficiency.getStyler().setXAxisLogarithmic(true);
    efficiency.getStyler().setYAxisMin(0.0);
    efficiency.getStyler().setYAxisMax(1.05);
    batch.getStyler().setXAxisLogarithmic(true);
    batch.getStyler().setYAxisLogarithmic(true);

    XYChart held = chart("Held-out runs: predicted against measured", "measured ms", "predicted ms");
    double[] measured = checks.stream().mapToDouble(c -> c.run().medianMs()).toArray();
    double[] predicted = checks.stream().mapToDouble(CostForecast.Check::predictedMs).toArray();
    XYSeries points = held.addSeries("held-out runs", measured, predicted);
    points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    points.setMarker(SeriesMarkers.CIRCLE);
    double lo = Math.min(min(measured), min(predicted));
    double hi = Math.max(max(measured), max(predicted));
    held.addSeries("predicted = measured", new double[] {lo, hi}, new double[] {lo, hi}).setMarker(SeriesMarkers.NONE);
    held.getStyler().setXAxisLogarithmic(true);
    held.getStyler().setYAxisLogarithmic(true);

    File parent = png.getAbsoluteFile().getParentFile();
    Files.createDirectories(parent.toPath());
    try (OutputStream stream = Files.newOutputStream(png.toPath())) {
      BitmapEncoder.saveBitmap(List.of(efficiency, batch, held), 1, 3, stream, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(560).height(400).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    chart.getStyler().setMarkerSize(4);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    return chart;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(1);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(1);
  }
}
