package io.metaspark.app.ml;

import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.adapt.SavedModel;
import io.metaspark.app.builtin.TableTasks;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.ModelSettings;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.spark.personalize.AdaptedParametersOfGroup;
import io.metaspark.spark.personalize.GroupAdapter;
import io.metaspark.spark.personalize.GroupColumns;
import io.metaspark.spark.personalize.GroupKey;
import io.metaspark.spark.personalize.PredictGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/**
 * A meta-learned model that personalizes: {@link #transform} adapts it to every group of a table on
 * the group's labelled rows (as it was trained to adapt) and predicts every row of the group, in
 * one distributed pass: rows are shuffled by group and each group is adapted where it lands, so
 * nothing but the job's outcome reaches the driver, and an executor holds one group's rows at a
 * time. {@link #adaptedParameters} gives each group's adapted network instead.
 *
 * <p>Saved with {@link #write()} as Spark ML saves a model ({@code metadata/}, the params) beside
 * the model as {@code train} exports it ({@code model.zip}, {@code model.json}), so that
 * {@code bin/metaspark adapt --model} reads the same directory; {@link #load} reads both that and a
 * {@code train} run's {@code final/} directory (its columns then come from the run's config).
 */
public final class MetaModel extends Model<MetaModel> implements MLWritable {
  private final String uid;
  private final ModelSpec spec;
  private final double[] meta;
  private final ModelCard card;
  private final Param<String> groupCol;
  private final StringArrayParam featuresCols;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> labelledRowsCol;
  private final IntParam minLabelledRows;

  MetaModel(String uid, ModelSpec spec, double[] meta, ModelCard card) {
    this.uid = uid;
    this.spec = spec;
    this.meta = meta.clone();
    this.card = card;
    groupCol = ColumnParams.groupCol(this);
    featuresCols = ColumnParams.featuresCols(this);
    labelCol = ColumnParams.labelCol(this);
    predictionCol = ColumnParams.predictionCol(this);
    probabilityCol = ColumnParams.probabilityCol(this);
    labelledRowsCol = ColumnParams.labelledRowsCol(this);
    minLabelledRows = ColumnParams.minLabelledRows(this);
    setDefault(groupCol, ColumnParams.GROUP_COL);
    setDefault(labelCol, ColumnParams.LABEL_COL);
    setDefault(predictionCol, ColumnParams.PREDICTION_COL);
    setDefault(probabilityCol, ColumnParams.PROBABILITY_COL);
    setDefault(labelledRowsCol, ColumnParams.LABELLED_ROWS_COL);
    setDefault(minLabelledRows, (Object) trainedConfig(List.of(TaskSettings.SUPPORT)).get(TaskSettings.SUPPORT));
    defaultColumnsFromTraining();
  }

  /** The model {@code train} exported to {@code dir} (a run's final/, or a saved MetaModel), with a new uid. */
  public static MetaModel fromExport(String dir, Configuration hadoop) throws IOException {
    return fromExport(Identifiable$.MODULE$.randomUID("MetaModel"), dir, hadoop);
  }

  static MetaModel fromExport(String uid, String dir, Configuration hadoop) throws IOException {
    SavedModel saved = SavedModel.read(dir, hadoop);
    return new MetaModel(uid, saved.spec(), saved.meta(), saved.card());
  }

  /** A table model knows its columns from its training config: they are this model's defaults. */
  private boolean isTableModel() {
    return card.config() != null
        && "table".equals(trainedConfig(List.of(TaskSettings.FAMILY)).get(TaskSettings.FAMILY));
  }

  private void defaultColumnsFromTraining() {
    if (!isTableModel()) {
      return;
    }
    Values trained = trainedConfig(List.of(TableTasks.KEY_COLUMN, TableTasks.FEATURE_COLUMNS,
        TableTasks.TARGET_COLUMN, TableTasks.LABEL_COLUMN));
    setDefault(groupCol, trained.get(TableTasks.KEY_COLUMN));
    setDefault(featuresCols, trained.get(TableTasks.FEATURE_COLUMNS).toArray(new String[0]));
    String label = trained.get(TableTasks.LABEL_COLUMN);
    setDefault(labelCol, label.isEmpty() ? trained.get(TableTasks.TARGET_COLUMN) : label);
  }

  /** Keys of the config the model was trained with; each at its default when the card holds no config. */
  private Values trainedConfig(List<Key<?>> keys) {
    return Values.in(card.config() == null ? "" : card.config(), keys);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public String explainParam(Param<?> param) {
    return ColumnParams.explain(this, param);
  }

  public Param<String> groupCol() {
    return groupCol;
  }

  public StringArrayParam featuresCols() {
    return featuresCols;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> labelledRowsCol() {
    return labelledRowsCol;
  }

  public IntParam minLabelledRows() {
    return minLabelledRows;
  }

  public MetaModel setGroupCol(String value) {
    return (MetaModel) set(groupCol, value);
  }

  public MetaModel setFeaturesCols(String... value) {
    return (MetaModel) set(featuresCols, value);
  }

  public MetaModel setLabelCol(String value) {
    return (MetaModel) set(labelCol, value);
  }

  public MetaModel setPredictionCol(String value) {
    return (MetaModel) set(predictionCol, value);
  }

  public MetaModel setProbabilityCol(String value) {
    return (MetaModel) set(probabilityCol, value);
  }

  public MetaModel setLabelledRowsCol(String value) {
    return (MetaModel) set(labelledRowsCol, value);
  }

  public MetaModel setMinLabelledRows(int value) {
    return (MetaModel) set(minLabelledRows, (Object) value);
  }

  /** The model's card: how it adapts, how it was trained, its evaluation (model.json). */
  public ModelCard card() {
    return card;
  }

  /** The meta-learned network parameters (DL4J's order), as saved in model.zip. */
  public double[] networkParameters() {
    return adaptation().networkPart(meta).clone();
  }

  /** A classifier's classes (label values, ascending: class i is the i-th), or null for regression. */
  public double[] classValues() {
    Map<String, Object> tasks = card.tasks();
    if (tasks == null || !(tasks.get("classes") instanceof List<?> classes)) {
      return null;
    }
    return classes.stream().mapToDouble(c -> ((Number) c).doubleValue()).toArray();
  }

  private Adaptation adaptation() {
    return card.adaptation(spec);
  }

  private String column(Param<String> param) {
    return (String) getOrDefault(param);
  }

  private GroupColumns columns(StructType schema, boolean labelRequired) {
    if (!isDefined(featuresCols)) {
      throw new IllegalArgumentException("featuresCols is not set: name the columns the network takes as inputs"
          + " (setFeaturesCols)");
    }
    return InputColumns.locate(schema, column(groupCol), (String[]) getOrDefault(featuresCols), column(labelCol),
        labelRequired, classValues());
  }

  private GroupAdapter adapter(GroupColumns columns) {
    if (!(spec.configuration().getConf(0).getLayer() instanceof FeedForwardLayer first)) {
      throw new IllegalArgumentException("a MetaModel personalizes tables: its network must start with a dense layer,"
          + " got " + spec.configuration().getConf(0).getLayer().getClass().getSimpleName());
    }
    long inputs = first.getNIn();
    if (inputs != columns.features().size()) {
      throw new IllegalArgumentException("the model takes " + inputs + " inputs but featuresCols names "
          + columns.features().size() + " columns: " + columns.features());
    }
    LearnerChoice learner = card.config() == null ? LearnerChoice.AUTO
        : trainedConfig(List.of(ModelSettings.LEARNER)).get(ModelSettings.LEARNER);
    return new GroupAdapter(spec, meta, adaptation(), learner, columns, (Integer) getOrDefault(minLabelledRows));
  }

  /**
   * Every row of {@code dataset}, followed by its prediction (and for a classifier the class
   * probabilities) and its group's number of labelled rows. A group is adapted on its rows whose
   * label is not null (a table without the label column predicts every row from the meta-learned
   * start, with minLabelledRows 0).
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    GroupColumns columns = columns(dataset.schema(), false);
    return dataset.toDF().groupByKey(new GroupKey(columns.group(), columns.groupIndex()), Encoders.STRING())
        .flatMapGroups(new PredictGroup(adapter(columns)), Encoders.row(out));
  }

  /**
   * One row per group: the group column, the group's number of labelled rows, and {@code parameters},
   * the network's parameters adapted on them (DL4J's order; null where the group has fewer than
   * minLabelledRows), computed as {@link #transform} computes them.
   */
  public Dataset<Row> adaptedParameters(Dataset<?> dataset) {
    GroupColumns columns = columns(dataset.schema(), false);
    StructType out = new StructType()
        .add(columns.group(), dataset.schema().apply(columns.group()).dataType(), false)
        .add(column(labelledRowsCol), DataTypes.IntegerType, false)
        .add("parameters", DataTypes.createArrayType(DataTypes.DoubleType, false), true);
    return dataset.toDF().groupByKey(new GroupKey(columns.group(), columns.groupIndex()), Encoders.STRING())
        .flatMapGroups(new AdaptedParametersOfGroup(adapter(columns)), Encoders.row(out));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    GroupColumns columns = columns(schema, false);
    return InputColumns.withOutputs(schema, column(predictionCol),
        columns.classification() ? column(probabilityCol) : null, column(labelledRowsCol));
  }

  @Override
  public MetaModel copy(ParamMap extra) {
    MetaModel copy = copyValues(new MetaModel(uid, spec, meta, card), extra);
    return copy.setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new MetaModelWriter(this, spec, networkParameters(), card);
  }

  public static MLReader<MetaModel> read() {
    return new MetaModelReader();
  }

  public static MetaModel load(String path) {
    return read().load(path);
  }

  static UncheckedIOException unreadable(String path, IOException e) {
    return new UncheckedIOException("cannot read the model in " + path + ": " + e.getMessage(), e);
  }
}
