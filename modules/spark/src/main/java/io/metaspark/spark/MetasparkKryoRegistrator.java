package io.metaspark.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.metaspark.core.eval.QueryMeasures;
import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.core.task.TaskDescriptor;
import org.nd4j.kryo.Nd4jRegistrator;

/**
 * ND4J's registrator (so INDArrays survive Kryo) plus this project's classes. Java records have
 * final fields Kryo 4 cannot set, so each record that travels gets an explicit serializer.
 */
public final class MetasparkKryoRegistrator extends Nd4jRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    super.registerClasses(kryo);
    kryo.register(TaskDescriptor.class, new Serializer<TaskDescriptor>() {
      @Override
      public void write(Kryo k, Output out, TaskDescriptor d) {
        out.writeLong(d.iteration());
        out.writeInt(d.index());
        out.writeLong(d.seed());
      }

      @Override
      public TaskDescriptor read(Kryo k, Input in, Class<TaskDescriptor> type) {
        return new TaskDescriptor(in.readLong(), in.readInt(), in.readLong());
      }
    });
    // the runner holds user-defined families and algorithms: Java serialization takes any of them
    kryo.register(TaskRunner.class, new JavaSerializer());
    // evaluation results: a record (losses, and accuracies or null), tiny next to a task's work
    kryo.register(QueryMeasures.class, new JavaSerializer());
    // a barrier segment's result crosses one shuffle per segment: records, so Java serialization
    kryo.register(BarrierSegment.Result.class, new JavaSerializer());
    // jobs mode's treeAggregate ships partial sums: their own encoding writes the arrays in bulk
    kryo.register(OutcomeSum.class, new Serializer<OutcomeSum>() {
      @Override
      public void write(Kryo k, Output out, OutcomeSum sum) {
        byte[] bytes = sum.toBytes();
        out.writeInt(bytes.length, true);
        out.writeBytes(bytes);
      }

      @Override
      public OutcomeSum read(Kryo k, Input in, Class<OutcomeSum> type) {
        return OutcomeSum.fromBytes(in.readBytes(in.readInt(true)));
      }
    });
    kryo.register(double[].class);
  }
}
