using ComfySharp.Engine.Nodes;

namespace ComfySharp.Nodes.Testing;

/// <summary>
/// Equivalents of ComfyUI's execution test node pack (tests/execution/testing_nodes/testing-pack), used by the
/// conformance tests. TestSamplingInExpansion is left out: it expands into model nodes that this build does not have.
/// </summary>
public static class TestingNodes
{
    public static NodeRegistry AddTestingNodes(this NodeRegistry registry)
    {
        registry.Add<StubImage>().Add<StubConstantImage>().Add<StubMask>().Add<StubInt>().Add<StubFloat>();
        registry.Add<TestLazyMixImages>().Add<TestVariadicAverage>().Add<TestCustomIsChanged>().Add<TestIsChangedWithConstants>()
            .Add<TestCustomValidation1>().Add<TestCustomValidation2>().Add<TestCustomValidation3>().Add<TestCustomValidation4>()
            .Add<TestCustomValidation5>().Add<TestDynamicDependencyCycle>().Add<TestMixedExpansionReturns>().Add<TestSleep>()
            .Add<TestParallelSleep>().Add<TestOutputNodeWithSocketOutput>();
        registry.Add<TestWhileLoopOpen>().Add<TestWhileLoopClose>().Add<TestExecutionBlocker>();
        registry.Add<TestAccumulateNode>().Add<TestAccumulationHeadNode>().Add<TestAccumulationTailNode>().Add<TestAccumulationToListNode>()
            .Add<TestListToAccumulationNode>().Add<TestAccumulationGetLengthNode>().Add<TestAccumulationGetItemNode>()
            .Add<TestAccumulationSetItemNode>().Add<TestForLoopOpen>().Add<TestForLoopClose>().Add<TestIntMathOperation>().Add<TestMakeListNode>();
        registry.Add<TestIntConditions>().Add<TestFloatConditions>().Add<TestStringConditions>().Add<TestToBoolNode>().Add<TestBoolOperationNode>();
        registry.Add<TestAsyncValidation>().Add<TestAsyncError>().Add<TestAsyncValidationError>().Add<TestAsyncTimeout>().Add<TestSyncError>()
            .Add<TestAsyncLazyCheck>().Add<TestDynamicAsyncGeneration>().Add<TestAsyncResourceUser>().Add<TestAsyncBatchProcessing>()
            .Add<TestAsyncConcurrentLimit>().Add<TestAsyncProgressUpdate>().Add<TestSyncProgressUpdate>();
        return registry;
    }
}
