using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StorybookShop.Data;
using StorybookShop.Generation.ElevenLabs;
using StorybookShop.Generation.OpenAI;

namespace StorybookShop.Generation;

public enum ProviderKind { Text, Image, Audio }
